import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolations } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;
let session: BrowserSession | undefined;
let app: WatchedPage;

async function axeBothSchemes(page: Page): Promise<void> {
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });
  expect({ light, dark }).toEqual({ light: [], dark: [] });
}

async function fresh(): Promise<Page> {
  await app.page.goto(inject('baseUrl'), { waitUntil: 'load' });
  await app.page.getByRole('group', { name: 'Cluster topology', exact: true }).waitFor();
  return app.page;
}

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
});

afterAll(async () => {
  await session?.close();
});

describe('CNI scenarios in Chromium', () => {
  test('cni-add opens the CNI panel; → steps through the ADD to the CNI 1.1.0 result', async () => {
    const page = await fresh();
    await page.getByRole('combobox', { name: 'Scenario' }).selectOption('cni-add');
    const dialog = page.getByRole('dialog', { name: 'CNI: a pod gets its network (ADD / DEL)' });
    await dialog.waitFor({ timeout: waitMs });
    const count = dialog.getByText(/^Step \d+ of \d+$/);
    await expect.poll(() => count.innerText(), { timeout: waitMs }).toBe('Step 1 of 26');
    await expect
      .poll(() => dialog.getByRole('region', { name: 'CNI data' }).innerText())
      .toContain('10-kubenet.conflist');
    // The arrows step from anywhere in the dialog but a text field.
    await dialog.getByRole('button', { name: 'Next ▶' }).focus();
    for (let i = 1; i < 26; i += 1) await page.keyboard.press('ArrowRight');
    await expect.poll(() => count.innerText(), { timeout: waitMs }).toBe('Step 26 of 26');
    const data = await dialog.getByRole('region', { name: 'CNI data' }).innerText();
    expect(data).toContain('"cniVersion": "1.1.0"');
    expect(data).toContain('"address": "10.0.1.4/24"');
    expect(await dialog.getByTestId('cni-picture').getAttribute('aria-label')).toContain('eth0 10.0.1.4/24');
    await axeBothSchemes(page);
    expect(app.pageErrors).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });

  test('vxlan opens on the encapsulation: outer header over the inner one, flannel.1 on each node', async () => {
    const page = await fresh();
    await page.getByRole('combobox', { name: 'Scenario' }).selectOption('vxlan');
    const narration = page.getByRole('status', { name: 'Narration', exact: true });
    await expect
      .poll(() => narration.innerText(), { timeout: waitMs })
      .toMatch(/Encapsulate: flannel\.1 on node-1 .*10\.0\.2\.2:8080/);
    const glyph = page.getByTestId('packet');
    await expect.poll(() => glyph.getAttribute('class'), { timeout: waitMs }).toContain('kind-encapsulate');
    expect(await glyph.locator('.pa-label').textContent()).toBe('outer UDP dst 10.100.0.3:8472');
    expect(await glyph.locator('.pa-inner').textContent()).toBe('inner dst 10.0.2.2:8080');
    const topology = page.getByRole('group', { name: 'Cluster topology', exact: true });
    for (const node of ['node-1', 'node-2']) {
      expect(
        await topology
          .getByRole('img', { name: new RegExp(`^VXLAN device flannel\\.1 on ${node}: .*MTU 1450`) })
          .isVisible(),
      ).toBe(true);
    }
    await axeBothSchemes(page);
    expect(app.pageErrors).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });
});
