import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;
let session: BrowserSession | undefined;
let app: WatchedPage;
const opened: WatchedPage[] = [];

const narration = (page: Page): Locator => page.getByRole('status', { name: 'Narration', exact: true });

async function ready(page: Page): Promise<void> {
  await page.getByRole('group', { name: 'Cluster topology', exact: true }).waitFor();
}

async function stepToTrap(page: Page, caption: RegExp): Promise<string> {
  await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
  for (let i = 0; i < 120; i += 1) {
    const text = await narration(page).innerText();
    if (caption.test(text)) return text;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`never reached a step whose narration matches ${caption}`);
}

beforeAll(async () => {
  session = await launchBrowser();
  await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(inject('baseUrl')).origin,
  });
  app = await session.openPage(inject('baseUrl'));
});

function open(url: string): Promise<WatchedPage> {
  if (!session) throw new Error('no browser session');
  return session.openPage(url);
}

afterAll(async () => {
  await session?.close();
});

describe('links, autosave and start-up notices in Chromium', () => {
  test('a copied link opens on the same step with the same caption', async () => {
    const page = app.page;
    await ready(page);
    // The engine loads after the first picture; step once it has (the first step's caption appears).
    await expect.poll(() => narration(page).innerText(), { timeout: waitMs }).not.toBe('');
    const caption = await stepToTrap(page, /TRAP.*10\.3\.241\.152:80/);
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    await expect.poll(() => page.getByText('Link copied').count(), { timeout: waitMs }).toBe(1);
    const link = String(await page.evaluate('navigator.clipboard.readText()'));
    expect(link).toMatch(/\?v=1&scenario=default&from=default\/client&to=web-svc.*&step=\d+/);

    const other = await open(link);
    opened.push(other);
    await ready(other.page);
    await expect.poll(() => narration(other.page).innerText(), { timeout: waitMs }).toBe(caption);
    expect(other.pageErrors).toEqual([]);
    expect(other.consoleErrors).toEqual([]);
  });

  test('a damaged link shows the notice and the default cluster', async () => {
    const damaged = await open(`${inject('baseUrl')}?v=1&c=N4IgdghgtgpiBcIDiMA2`);
    opened.push(damaged);
    const page = damaged.page;
    await ready(page);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText(), { timeout: waitMs }).toMatch(/This link is damaged/);
    expect(await alert.innerText()).toMatch(/showing the default cluster/);
    expect(await page.locator('.netviz-title').getAttribute('title')).toMatch(/cluster seed/);
    expect(damaged.pageErrors).toEqual([]);
  });

  test('an imported cluster and its mode survive a reload (autosave)', async () => {
    const page = app.page;
    await page.goto(inject('baseUrl'), { waitUntil: 'load' });
    await ready(page);
    const yaml = readFileSync(resolve('src/scenarios/default.yaml'), 'utf8').replace(
      '  name: seed\n',
      '  name: reloaded\n',
    );
    expect(yaml).toContain('name: reloaded');
    await page.getByRole('button', { name: 'Import / export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import / export' });
    await dialog.getByLabel(/Kubernetes YAML or kubectl JSON/).fill(yaml);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => dialog.innerText(), { timeout: waitMs }).toContain('Imported cluster reloaded');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    const title = page.locator('.netviz-title');
    expect(await title.getAttribute('title')).toMatch(/cluster reloaded/);

    const nft = page.getByRole('radiogroup', { name: 'Proxy mode' }).getByRole('radio', { name: /nftables/ });
    await nft.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => nft.isChecked(), { timeout: waitMs }).toBe(true);
    await expect
      .poll(() => page.evaluate("localStorage.getItem('kube-netviz:v2') ?? ''"), { timeout: waitMs })
      .toMatch(/name: reloaded[\s\S]*"mode":"nftables"/);

    await page.reload({ waitUntil: 'load' });
    await ready(page);
    await expect.poll(() => title.getAttribute('title'), { timeout: waitMs }).toMatch(/cluster reloaded/);
    const again = page
      .getByRole('radiogroup', { name: 'Proxy mode' })
      .getByRole('radio', { name: /nftables/ });
    await expect.poll(() => again.isChecked(), { timeout: waitMs }).toBe(true);
  });

  test('no console or page errors', () => {
    expect(app.consoleErrors).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
