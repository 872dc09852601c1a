import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolations } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;
let session: BrowserSession | undefined;
let app: WatchedPage;

const narration = (page: Page): Locator => page.getByRole('status', { name: 'Narration', exact: true });

async function ready(page: Page): Promise<void> {
  await page.getByRole('group', { name: 'Cluster topology', exact: true }).waitFor({ timeout: waitMs });
  // The trace exists once the engine has loaded.
  await page.getByText(/step 1 of \d+/).waitFor({ timeout: waitMs });
}

async function position(page: Page): Promise<number> {
  const match = /step (\d+) of/.exec(await narration(page).innerText());
  return Number(match?.[1] ?? NaN);
}

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
  await ready(app.page);
});

afterAll(async () => {
  await session?.close();
});

describe('presenting in Chromium', () => {
  test('P presents: header and side panel gone, the picture and the narration fill the screen', async () => {
    const { page } = app;
    await page.keyboard.press('p');
    await expect.poll(() => page.locator('.netviz.is-presenting').count()).toBe(1);
    expect(await page.getByRole('banner').isVisible()).toBe(false);
    expect(await page.getByRole('tablist', { name: 'Side panel' }).isVisible()).toBe(false);
    const svg = await page.locator('svg.topology-svg').boundingBox();
    expect(svg?.width).toBeGreaterThan(1200);
    const caption = await page.locator('.narration-caption').evaluate((e) => getComputedStyle(e).fontSize);
    expect(parseFloat(caption)).toBeGreaterThanOrEqual(26);
  });

  test('clicker keys step the trace', async () => {
    const { page } = app;
    expect(await position(page)).toBe(1);
    await page.keyboard.press('PageDown');
    const keyStep = await position(page);
    expect(keyStep).toBeGreaterThan(1);
    await page.keyboard.press('ArrowRight');
    expect(await position(page)).toBe(keyStep + 1);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('PageUp');
    expect(await position(page)).toBe(1);
  });

  test('B blanks the screen black; any key brings it back', async () => {
    const { page } = app;
    await page.keyboard.press('b');
    const blank = page.getByTestId('blank-screen');
    await blank.waitFor({ timeout: waitMs });
    const covered = await page.evaluate(() => {
      const e = document.elementFromPoint(640, 360);
      return e ? [e.getAttribute('data-testid'), getComputedStyle(e).backgroundColor] : null;
    });
    expect(covered).toEqual(['blank-screen', 'rgb(0, 0, 0)']);
    await page.keyboard.press('ArrowRight');
    await blank.waitFor({ state: 'detached', timeout: waitMs });
    // The key that brought the picture back did not step.
    expect(await position(page)).toBe(1);
  });

  test('presenter mode, speaker notes and high contrast are axe clean', async () => {
    const { page } = app;
    await page.keyboard.press('n');
    await page.getByRole('complementary', { name: 'Speaker notes' }).waitFor({ timeout: waitMs });
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('h');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('h');
    await page.keyboard.press('n');
  });

  test('Escape leaves presenter mode', async () => {
    const { page } = app;
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.netviz.is-presenting').count(), { timeout: waitMs }).toBe(0);
    expect(await page.getByRole('banner').isVisible()).toBe(true);
  });

  test('Export picture downloads a well-formed SVG of the cluster with the caption', async () => {
    const { page } = app;
    await page.keyboard.press('PageDown');
    const caption = (await page.locator('.narration-caption').innerText()).trim();
    await page.getByRole('button', { name: 'Export picture' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: waitMs }),
      page.getByRole('menuitem', { name: /^SVG/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^kube-netviz-seed-\w+-step-\d+\.svg$/);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    const parsed = await page.evaluate((svg) => {
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        root: doc.documentElement.localName,
        text: doc.documentElement.textContent ?? '',
        packet: doc.querySelector('g.packet') !== null,
      };
    }, text);
    expect(parsed.errors).toBe(0);
    expect(parsed.root).toBe('svg');
    for (const name of ['node-1', 'node-2', 'router/gateway', 'web-svc']) expect(parsed.text).toContain(name);
    expect(parsed.text).toContain(caption);
    expect(parsed.packet).toBe(true);
    // It draws in a browser as an image, at the size it says.
    const size = await page.evaluate(async (svg) => {
      const image = new Image();
      image.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
      await image.decode();
      return [image.naturalWidth, image.naturalHeight];
    }, text);
    expect(size[0]).toBeGreaterThan(600);
    expect(size[1]).toBeGreaterThan(400);
  });

  test('PNG export is a PNG at 2×', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Export picture' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: waitMs }),
      page.getByRole('menuitem', { name: /^PNG/ }).click(),
    ]);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    const width = bytes.readUInt32BE(16);
    const svgWidth = await page.locator('svg.topology-svg').evaluate((e) => e.getBoundingClientRect().width);
    expect(width).toBe(Math.round(svgWidth) * 2);
  });

  test('a tour link opens its first stop, with the tour bar', async () => {
    if (!session) throw new Error('no browser session');
    const tour = await session.openPage(new URL('/?tour=seed&stop=1', inject('baseUrl')).href);
    const bar = tour.page.getByRole('navigation', { name: 'Tour' });
    await bar.waitFor({ timeout: waitMs });
    await expect.poll(() => bar.innerText(), { timeout: waitMs }).toMatch(/stop 1 of \d+/);
    // Stop 1 of the seed tour: containers of a pod share localhost.
    await expect.poll(() => bar.innerText()).toMatch(/localhost/i);
    await expect
      .poll(() => narration(tour.page).innerText(), { timeout: waitMs })
      .toMatch(/127\.0\.0\.1|lo\b/);
    await tour.page.getByRole('button', { name: 'Next stop' }).click();
    await expect.poll(() => bar.innerText()).toMatch(/stop 2 of/);
    // Stop 2: docker0 — the same 172.17.0.0/16 on every node.
    await expect
      .poll(() => narration(tour.page).innerText(), { timeout: waitMs })
      .toMatch(/docker0|172\.17\./);
    expect(await seriousViolations(tour.page)).toEqual([]);
    expect(tour.pageErrors).toEqual([]);
    expect(tour.consoleErrors).toEqual([]);
    await tour.page.close();
  });

  test('the speaker notes window (?notes) follows the app and its Page Down drives it', async () => {
    if (!session) throw new Error('no browser session');
    const { page } = app;
    await page.keyboard.press('Home');
    const notes = await session.openPage(new URL('/?notes', inject('baseUrl')).href);
    const main = notes.page.getByRole('main', { name: 'Speaker notes' });
    await expect.poll(() => main.innerText(), { timeout: waitMs }).toMatch(/Step 1 of \d+/);
    await notes.page.keyboard.press('PageDown');
    await expect.poll(() => position(page), { timeout: waitMs }).toBeGreaterThan(1);
    const shown = await position(page);
    await expect.poll(() => main.innerText(), { timeout: waitMs }).toContain(`Step ${shown} of`);
    expect(await seriousViolations(notes.page)).toEqual([]);
    expect(notes.consoleErrors).toEqual([]);
    await notes.page.close();
  });

  test('no console errors or page errors', () => {
    expect(app.pageErrors).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });
});
