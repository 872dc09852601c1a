import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;
let session: BrowserSession | undefined;
let app: WatchedPage;

const topology = (page: Page) => page.getByRole('group', { name: 'Cluster topology', exact: true });

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
});

afterAll(async () => {
  await session?.close();
});

describe('editing the cluster in Chromium', () => {
  test('an added pod is drawn, survives a reload (autosave), and Ctrl+Z takes it away', async () => {
    const page = app.page;
    await topology(page).waitFor();
    await page.getByRole('tab', { name: 'Edit', exact: true }).click();
    await page.getByText('Add a pod', { exact: true }).click();
    await page.getByLabel('Pod name', { exact: true }).fill('web-3');
    await page.getByLabel('Node', { exact: true }).selectOption('node-2');
    await page.getByRole('button', { name: 'Add pod', exact: true }).click();
    const added = topology(page).getByRole('button', { name: /^Pod default\/web-3, 10\.0\.2\.\d+$/ });
    await expect.poll(() => added.count(), { timeout: waitMs }).toBe(1);
    await expect
      .poll(() => page.evaluate("localStorage.getItem('kube-netviz:v2') ?? ''"), { timeout: waitMs })
      .toContain('web-3');

    await page.reload({ waitUntil: 'load' });
    await topology(page).waitFor();
    const again = topology(page).getByRole('button', { name: /^Pod default\/web-3, / });
    await expect.poll(() => again.count(), { timeout: waitMs }).toBe(1);

    // A reload starts a fresh history: the add itself is not undoable, but a new edit is.
    await page.getByRole('tab', { name: 'Edit', exact: true }).click();
    await page.getByText('Add a node', { exact: true }).click();
    await page.getByRole('button', { name: 'Add node', exact: true }).click();
    const nodes = topology(page).getByRole('button', { name: /^Node node-/ });
    await expect.poll(() => nodes.count(), { timeout: waitMs }).toBe(3);
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodes.count(), { timeout: waitMs }).toBe(2);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodes.count(), { timeout: waitMs }).toBe(3);
    expect(app.consoleErrors).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
