import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolationsInBothSchemes } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 20_000;

let session: BrowserSession | undefined;
let app: WatchedPage;

async function chooseScenario(page: Page, id: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption(id);
}

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
  await app.page.getByRole('group', { name: 'Cluster topology', exact: true }).waitFor({ timeout: waitMs });
});

afterAll(async () => {
  await session?.close();
});

describe('Pod networking scenarios in Chromium', () => {
  test('docker0: IPAM shows the same addresses on both nodes; the trace stops at node-1 with the reason', async () => {
    const { page } = app;
    await chooseScenario(page, 'docker0');
    const dialog = page.getByRole('dialog', { name: 'IPAM: addresses per node and ClusterIPs' });
    await dialog.waitFor({ timeout: waitMs });
    await expect.poll(() => dialog.getByText('also on node-2').count(), { timeout: waitMs }).toBe(2);
    expect(await seriousViolationsInBothSchemes(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached', timeout: waitMs });

    // Both bridges are docker0 172.17.0.1/16.
    const bridges = page.getByRole('group', { name: 'Cluster topology', exact: true }).getByRole('button', {
      name: /^Bridge docker0 on node-\d, 172\.17\.0\.1\/16$/,
    });
    expect(await bridges.count()).toBe(2);
    // The scenario opens on its key step: the route decision that keeps the packet on node-1.
    await expect
      .poll(
        () =>
          page
            .getByText(/the subnet of docker0 on EVERY node/)
            .first()
            .isVisible(),
        { timeout: waitMs },
      )
      .toBe(true);
    expect(await seriousViolationsInBothSchemes(page)).toEqual([]);
    expect(app.pageErrors).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });

  test('plugins: the table opens, is accessible, and a row opens the VXLAN scenario', async () => {
    const { page } = app;
    await chooseScenario(page, 'plugins');
    const dialog = page.getByRole('dialog', { name: 'CNI plugins compared' });
    // The panel's code loads on first use.
    await dialog.getByRole('table').waitFor({ timeout: waitMs });
    expect(await dialog.getByRole('rowheader').allTextContents()).toEqual([
      'Calico',
      'Canal',
      'Flannel',
      'Weave Net',
      'Romana',
      'Kube-router',
      'Kopeio-networking',
    ]);
    expect(await seriousViolationsInBothSchemes(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Open the VXLAN scenario for Flannel' }).click();
    await dialog.waitFor({ state: 'detached', timeout: waitMs });
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Scenario' }).inputValue(), { timeout: waitMs })
      .toBe('vxlan');
    expect(app.pageErrors).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });
});
