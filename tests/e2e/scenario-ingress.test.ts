import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolations } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;
let session: BrowserSession | undefined;
let app: WatchedPage;

const narration = (page: Page): Locator => page.getByRole('status', { name: 'Narration', exact: true });
const region = (page: Page, name: string): Locator => page.getByRole('region', { name, exact: true });

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
});

afterAll(async () => {
  await session?.close();
});

describe('the Ingress scenario in Chromium', () => {
  test('the Scenario picker opens it at the L7 routing decision, with the controller pod lit', async () => {
    const { page } = app;
    await page.getByRole('group', { name: 'Cluster topology', exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('ingress');

    await expect
      .poll(() => narration(page).innerText(), { timeout: waitMs })
      .toMatch(/L7 routing in ingress-nginx-controller-\S+: Host shop\.example\.com, path \/api\/orders/);
    expect(await narration(page).innerText()).toMatch(
      /Prefix \/api of default\/shop → Service default\/api-svc:http/,
    );

    const tab = page.getByRole('tab', { name: 'Step', exact: true });
    if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
    const packet = region(page, 'Packet');
    await expect.poll(() => packet.innerText(), { timeout: waitMs }).toContain('L7 routing decision');
    expect(await packet.innerText()).toMatch(/Backend\s+default\/api-svc:http/);
    const routing = region(page, 'Rules');
    await expect.poll(() => routing.innerText(), { timeout: waitMs }).toContain('Ingress routing');
    expect(await routing.locator('[aria-current="step"]').innerText()).toMatch(/Prefix \/api → api-svc:http/);

    // The controller pod is where the packet rests, and lit; the chosen backend Service is lit too.
    const controller = page.locator('[data-id^="pod:ingress-nginx/ingress-nginx-controller-"]');
    await expect.poll(() => controller.getAttribute('data-packet'), { timeout: waitMs }).toMatch(/\bat\b/);
    expect(await page.locator('[data-id="svc:default/api-svc"]').getAttribute('data-packet')).toMatch(
      /highlight/,
    );

    // The request summary names the HTTP request it carries.
    const summary = page.getByRole('button', {
      name: /^Request: from 203\.0\.113\.7 to 10\.100\.0\.2:30080/,
    });
    expect(await summary.getAttribute('aria-label')).toContain('HTTP GET shop.example.com/api/orders');

    expect(app.pageErrors, 'uncaught page errors').toEqual([]);
    expect(app.consoleErrors, 'console errors').toEqual([]);
  });

  test('the next step is the controller’s own connection to an api pod', async () => {
    const { page } = app;
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => narration(page).innerText(), { timeout: waitMs })
      .toMatch(
        /NGINX opens a NEW connection from its pod 10\.0\.1\.2:\d+ straight to the pod 10\.0\.[12]\.3:9000/,
      );
  });

  test('has no serious or critical axe violations at the decision step, light and dark', async () => {
    const { page } = app;
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => narration(page).innerText(), { timeout: waitMs }).toMatch(/L7 routing/);
    const light = await seriousViolations(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await seriousViolations(page);
    await page.emulateMedia({ colorScheme: 'light' });
    expect({ light, dark }).toEqual({ light: [], dark: [] });
  });
});
