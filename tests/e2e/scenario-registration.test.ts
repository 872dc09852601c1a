import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolations } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;
let session: BrowserSession | undefined;
let app: WatchedPage;

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
  await app.page.getByRole('group', { name: 'Cluster topology', exact: true }).waitFor();
});

afterAll(async () => {
  await session?.close();
});

describe('the registration scenario in Chromium', () => {
  test('the Scenario picker opens the panel; stepping reaches kube-proxy and its iptables diff', async () => {
    const { page } = app;
    await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('registration');
    const dialog = page.getByRole('dialog', { name: 'Service registration', exact: true });
    await dialog.waitFor({ timeout: waitMs });
    const counter = dialog.getByText(/^Step \d+ of \d+$/);
    await expect.poll(() => counter.innerText(), { timeout: waitMs }).toBe('Step 1 of 14');

    // ← / → step while the dialog holds focus.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => counter.innerText()).toBe('Step 2 of 14');

    const caption = dialog.getByTestId('reg-caption');
    for (let i = 0; i < 14 && !/^kube-proxy/.test(await caption.innerText()); i += 1) {
      await dialog.getByRole('button', { name: 'Next ▶', exact: true }).click();
    }
    await expect.poll(() => caption.innerText()).toMatch(/kube-proxy on node-1 \(iptables mode\)/);
    const diff = dialog.getByRole('region', { name: 'Rule diff on node-1', exact: true });
    await expect.poll(() => diff.isVisible(), { timeout: waitMs }).toBe(true);
    await expect
      .poll(() => diff.innerText())
      .toMatch(/-A KUBE-SERVICES -d 10\.3\.[\d.]+\/32 .* -j KUBE-SVC-/);
    expect(await dialog.locator('.reg-diff-line.reg-add').count()).toBeGreaterThan(5);

    const light = await seriousViolations(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await seriousViolations(page);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(
      { light, dark },
      `serious/critical axe violations:\nlight: ${light.join('\n       ')}\ndark:  ${dark.join('\n       ')}`,
    ).toEqual({ light: [], dark: [] });
    expect(app.pageErrors, 'uncaught page errors').toEqual([]);
    expect(app.consoleErrors, 'console errors').toEqual([]);
  });

  test('the readiness scenario opens the panel on its Pod readiness tab', async () => {
    const { page } = app;
    const dialog = page.getByRole('dialog', { name: 'Service registration', exact: true });
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('readiness');
    await dialog.waitFor({ timeout: waitMs });
    const tab = dialog.getByRole('tab', { name: 'Pod readiness', exact: true });
    await expect.poll(() => tab.getAttribute('aria-selected'), { timeout: waitMs }).toBe('true');
    await expect
      .poll(() => dialog.getByTestId('reg-caption').innerText(), { timeout: waitMs })
      .toMatch(/readiness probe of server-2 fails/);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
