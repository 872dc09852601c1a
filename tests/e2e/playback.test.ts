import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolations } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;
let session: BrowserSession | undefined;
let app: WatchedPage;

const region = (page: Page, name: string): Locator => page.getByRole('region', { name, exact: true });
const narration = (page: Page): Locator => page.getByRole('status', { name: 'Narration', exact: true });

async function fresh(): Promise<Page> {
  await app.page.goto(inject('baseUrl'), { waitUntil: 'load' });
  await app.page.getByRole('group', { name: 'Cluster topology', exact: true }).waitFor();
  return app.page;
}

async function showStepTab(page: Page): Promise<void> {
  const tab = page.getByRole('tab', { name: 'Step', exact: true });
  if ((await tab.count()) > 0 && (await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
}

/** Moves focus off any control, so arrow keys go to the player (a focused radio would take them). */
async function blur(page: Page): Promise<void> {
  await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
}

/** Presses → until the Packet region names a destination rewrite of the request (the netfilter trap). */
async function stepToTrap(page: Page, rewrite: RegExp): Promise<void> {
  await blur(page);
  for (let i = 0; i < 120; i += 1) {
    const text = await narration(page).innerText();
    if (rewrite.test(text)) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`never reached a step whose narration matches ${rewrite}`);
}

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
});

afterAll(async () => {
  await session?.close();
});

describe('playback in Chromium', () => {
  test('stepping to the netfilter trap shows the DNAT in the inspector and lights the DNAT rule', async () => {
    const page = await fresh();
    // The first trap is the DNS query's (to kube-dns); the request's is the one for web-svc's ClusterIP.
    await stepToTrap(page, /TRAP.*10\.3\.241\.152:80/);
    await showStepTab(page);
    const packet = region(page, 'Packet');
    await expect.poll(() => packet.innerText(), { timeout: waitMs }).toMatch(/DNAT/);
    await expect.poll(() => packet.innerText()).toMatch(/10\.0\.[12]\.2:8080/);
    const lit = region(page, 'Rules').locator('[aria-current="true"]');
    await expect.poll(() => lit.count(), { timeout: waitMs }).toBe(1);
    expect(await lit.innerText()).toMatch(/-j DNAT --to-destination 10\.0\.[12]\.2:8080/);
    expect(await lit.isVisible()).toBe(true);
  });

  test('switching to ipvs shows the ipvsadm virtual server for 10.3.241.152:80', async () => {
    const page = await fresh();
    const ipvs = page.getByRole('radiogroup', { name: 'Proxy mode' }).getByRole('radio', { name: /ipvs/ });
    await ipvs.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => ipvs.isChecked(), { timeout: waitMs }).toBe(true);
    await showStepTab(page);
    // The ClusterIP request's IPVS step (the DNS query before it is scheduled by IPVS too).
    await stepToTrap(page, /IPVS.*10\.3\.241\.152:80/);
    const rules = region(page, 'Rules');
    await expect.poll(() => rules.innerText(), { timeout: waitMs }).toContain('TCP  10.3.241.152:80 rr');
    await expect.poll(() => region(page, 'Packet').innerText()).toMatch(/10\.0\.[12]\.2:8080/);
    const lit = rules.locator('[aria-current="true"]');
    await expect.poll(() => lit.innerText(), { timeout: waitMs }).toMatch(/-> 10\.0\.[12]\.2:8080\s+Masq/);
  });

  test('works from the keyboard alone: Play/Pause, steps, Home/End', async () => {
    const page = await fresh();
    await blur(page);
    await page.keyboard.press('End');
    await expect
      .poll(() => narration(page).innerText())
      .toMatch(/receives the reply from 10\.3\.241\.152:80/);
    await page.keyboard.press('Home');
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await play.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('button', { name: 'Pause', exact: true }).count()).toBe(1);
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('button', { name: 'Play', exact: true }).count()).toBe(1);
    const before = await narration(page).innerText();
    await blur(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => narration(page).innerText()).not.toBe(before);
  });

  test('axe finds no serious or critical violations at the trap step, light and dark', async () => {
    const problems: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await app.page.emulateMedia({ colorScheme: scheme });
      const page = await fresh();
      await stepToTrap(page, /TRAP.*10\.3\.241\.152:80/);
      await showStepTab(page);
      problems.push(...(await seriousViolations(page)).map((v) => `${scheme}: ${v}`));
    }
    await app.page.emulateMedia({ colorScheme: 'light' });
    expect(problems).toEqual([]);
  });

  test('no console or page errors after all of that', () => {
    expect(app.consoleErrors).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
