/**
 * The scenarios no family test opens: each opened from the header's picker lands on its key step (the caption
 * the engine writes for it, computed here from the same catalog and engine), or opens its panel.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import '../../src/engine/proxy/all';
import { scenarioMeta } from '../../src/scenarios/catalog';
import { findKeyStep } from '../../src/scenarios/keyStep';
import { openScenarioTrace } from '../helpers/scenarioTrace';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;
let session: BrowserSession | undefined;
let app: WatchedPage;

const narration = (page: Page): Locator => page.getByRole('status', { name: 'Narration', exact: true });
const picker = (page: Page): Locator => page.getByRole('combobox', { name: 'Scenario' });

async function open(page: Page, id: string): Promise<void> {
  const label = scenarioMeta(id)?.label;
  if (label === undefined) throw new Error(`no scenario ${id}`);
  await picker(page).selectOption({ label });
  await expect.poll(() => picker(page).inputValue(), { timeout: waitMs }).toBe(id);
}

/** The caption of the scenario's key step, as the engine writes it. */
function keyCaption(id: string): string {
  const t = openScenarioTrace(id);
  const index = findKeyStep(t.steps, scenarioMeta(id)?.keyStep ?? {});
  const caption = index === null ? undefined : t.steps[index]?.caption;
  if (caption === undefined) throw new Error(`scenario ${id} has no key step`);
  return caption;
}

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
  await picker(app.page).waitFor({ state: 'visible', timeout: waitMs });
});

afterAll(async () => {
  await session?.close();
});

describe('more scenarios in Chromium', () => {
  for (const id of ['connect-apps', 'cbr0', 'network-policy', 'bgp']) {
    test(`${id}: opening it from the picker lands on its key step`, async () => {
      const caption = keyCaption(id);
      await open(app.page, id);
      await expect
        .poll(() => narration(app.page).innerText(), { timeout: waitMs, message: `${id} narration` })
        .toContain(caption.slice(0, 60));
    });
  }

  test('scale opens its chart panel; Escape closes it', async () => {
    const { page } = app;
    await open(page, 'scale');
    const dialog = page.getByRole('dialog', { name: /kube-proxy at scale/ });
    await dialog.waitFor({ state: 'visible', timeout: waitMs });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), { timeout: waitMs }).toBe(0);
  });

  test('a ?scenario= link opens its panel (registration)', async () => {
    if (!session) throw new Error('no browser session');
    const linked = await session.openPage(new URL('/?v=1&scenario=registration', inject('baseUrl')).href);
    await linked.page
      .getByRole('dialog', { name: 'Service registration' })
      .waitFor({ state: 'visible', timeout: waitMs });
    expect(linked.consoleErrors).toEqual([]);
    await linked.page.close();
  });

  test('no console or page errors', () => {
    expect(app.pageErrors).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });
});
