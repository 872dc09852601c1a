import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolations } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;

let session: BrowserSession | undefined;
let app: WatchedPage;

async function pollVisible(locator: Locator, what: string): Promise<void> {
  await expect
    .poll(() => locator.isVisible(), { timeout: waitMs, message: `${what} should be visible` })
    .toBe(true);
}

async function chooseScenario(page: Page, id: string): Promise<void> {
  await pollVisible(page.getByRole('group', { name: 'Cluster topology', exact: true }), 'the topology');
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption(id);
}

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
});

afterAll(async () => {
  await session?.close();
});

describe('the dns and policy-deny scenarios in Chromium', () => {
  test('dns opens the DNS panel: records listed, a 5-dot name is queried as-is first', async () => {
    const { page } = app;
    await chooseScenario(page, 'dns');
    const dialog = page.getByRole('dialog', { name: 'DNS for Services and Pods' });
    await pollVisible(dialog, 'the DNS panel');
    await pollVisible(dialog.getByText('db-0.db.default.svc.cluster.local.').first(), 'the db-0 record');
    await pollVisible(dialog.getByText('kubernetes.io.').first(), 'the ExternalName CNAME');

    await dialog.getByRole('button', { name: '5 dots', exact: true }).click();
    const queries = dialog.getByRole('list', { name: 'Queries sent, in order' });
    await expect
      .poll(() => queries.locator(':scope > li').first().textContent(), { timeout: waitMs })
      .toMatch(/^A\? db-0\.db\.default\.svc\.cluster\.local\. NOERROR/);

    await dialog.getByRole('button', { name: 'Trailing dot', exact: true }).click();
    await expect.poll(() => queries.locator(':scope > li').count(), { timeout: waitMs }).toBe(1);

    // The scenario's own trace stops on CoreDNS's answer for db-0.db.
    await expect
      .poll(() => page.getByRole('status', { name: 'Narration' }).textContent(), { timeout: waitMs })
      .toContain('db-0.db.default.svc.cluster.local. A 10.0.1.4');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => dialog.count(), { timeout: waitMs }).toBe(0);
  });

  test('policy-deny stops on the drop, narrated, with the deciding badges lit', async () => {
    const { page } = app;
    await chooseScenario(page, 'policy-deny');
    const narration = page.getByRole('status', { name: 'Narration' });
    await expect
      .poll(() => narration.textContent(), { timeout: waitMs })
      .toContain("Dropped at server-2's veth: no policy allows ingress from server-1 on TCP/8080");
    const badge = page.getByRole('button', {
      name: "NetworkPolicy default/default-deny-web, ingress, enforced at server-2's veth: nothing allows this packet",
      exact: true,
    });
    await pollVisible(badge, 'the lit default-deny-web badge on server-2');
    expect(await badge.getAttribute('class')).toContain('is-deny');

    await badge.click();
    await page.getByRole('tab', { name: 'Details' }).click();
    await pollVisible(
      page.getByRole('heading', { name: 'NetworkPolicy default/default-deny-web' }),
      'the policy in Details',
    );
    expect(await seriousViolations(page)).toEqual([]);
    expect(app.pageErrors, 'uncaught page errors').toEqual([]);
    expect(app.consoleErrors, 'console errors').toEqual([]);
  });
});
