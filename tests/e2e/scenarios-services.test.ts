import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { scenarioMeta } from '../../src/scenarios/catalog';
import { seriousViolationsInBothSchemes } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;

/** Each svc scenario, by id, with a piece of the caption of its key step (see its golden trace). */
const KEY_CAPTIONS: readonly (readonly [string, string])[] = [
  ['localhost', "never leaves web-1's network namespace"],
  ['nodeport', 'NodePort 10.100.0.3:30080 of default/web → KUBE-NODEPORTS → KUBE-EXT-'],
  ['loadbalancer', 'load-balancer IP 198.51.100.10:80 of default/web-lb'],
  ['etp-cluster', "the client's own address 203.0.113.7 is gone"],
  ['etp-local', 'has no local endpoints'],
  ['itp-local', "internalTrafficPolicy Local: only node-1's own endpoints"],
  ['no-endpoints', 'connection refused'],
  ['affinity', 'ClientIP affinity'],
  ['headless', 'Receive 2 pod addresses'],
  ['externalname', 'answers a CNAME (ExternalName)'],
  ['hostaliases', '/etc/hosts answers shop.example.internal'],
  ['dead-userspace', "kube-proxy's dial to 10.0.1.2:8080 fails"],
  ['dead-iptables', 'is gone but still listed as an endpoint'],
  ['no-route', "nothing routes node-2's podCIDR 10.0.2.0/24"],
  ['nxdomain', 'no Service, endpoint or pod is named web-scv'],
  ['policy-dns', 'no policy allows ingress from coredns'],
];

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

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
  await app.page
    .getByRole('group', { name: 'Cluster topology', exact: true })
    .waitFor({ state: 'visible', timeout: waitMs });
});

afterAll(async () => {
  await session?.close();
});

describe('Services, pod networking, DNS and failure scenarios in Chromium', () => {
  for (const [id, caption] of KEY_CAPTIONS) {
    test(`${id}: opening it from the picker shows its key step`, async () => {
      await open(app.page, id);
      await expect
        .poll(() => narration(app.page).innerText(), { timeout: waitMs, message: `${id} narration` })
        .toContain(caption);
      expect(app.pageErrors, 'uncaught page errors').toEqual([]);
      expect(app.consoleErrors, 'console errors').toEqual([]);
    });
  }

  test('eTP Cluster: the kubectl patch button switches the trace to the client IP kept, and back', async () => {
    const { page } = app;
    await open(page, 'etp-cluster');
    const strip = page.getByRole('group', { name: 'Scenario actions' });
    await expect
      .poll(() => strip.innerText(), { timeout: waitMs })
      .toContain('"externalTrafficPolicy":"Local"');
    await strip.getByRole('button', { name: 'Patch to Local' }).click();
    await expect
      .poll(() => narration(page).innerText(), { timeout: waitMs })
      .toContain('Delivered: web-2 receives the connection on 10.0.2.2:8080, from 203.0.113.7');
    await strip.getByRole('button', { name: 'Patch to Cluster' }).click();
    await expect
      .poll(() => narration(page).innerText(), { timeout: waitMs })
      .toContain("the client's own address 203.0.113.7 is gone");
    expect(await picker(page).inputValue()).toBe('etp-cluster');
  });

  test('eTP Cluster with its actions strip has no serious axe violations, light or dark', async () => {
    const { page } = app;
    await open(page, 'etp-cluster');
    await page.getByRole('group', { name: 'Scenario actions' }).waitFor({ state: 'visible' });
    expect(await seriousViolationsInBothSchemes(page)).toEqual([]);
  });
});
