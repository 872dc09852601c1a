import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolations } from './axe';
import { launchBrowser } from './browser';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;

/** Accessible names of what the default scenario (src/scenarios/default.yaml) draws. */
const defaultClusterButtons = [
  'Node node-1, eth0 10.100.0.2',
  'Node node-2, eth0 10.100.0.3',
  'Router router, 10.100.0.1',
  'Pod default/client, 10.0.1.3',
  'Pod default/server-1, 10.0.1.2',
  'Pod default/server-2, 10.0.2.2',
  'Service default/web-svc, ClusterIP 10.3.241.152',
];
const clientPodButton = 'Pod default/client, 10.0.1.3';

let session: BrowserSession | undefined;
let app: WatchedPage;

function topology(page: Page): Locator {
  return page.getByRole('group', { name: 'Cluster topology', exact: true });
}

function details(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Details', exact: true });
}

/** The element's own name from its accessible name: `Pod default/client, 10.0.1.3` → `client`. */
function shortName(label: string): string {
  const kindAndName = label.split(',')[0] ?? label;
  const name = kindAndName.split(' ').slice(1).join(' ');
  return name.split('/').pop() ?? name;
}

async function pollVisible(locator: Locator, what: string): Promise<void> {
  await expect
    .poll(() => locator.isVisible(), { timeout: waitMs, message: `${what} should be visible` })
    .toBe(true);
}

async function pressedButtons(page: Page): Promise<string[]> {
  return topology(page)
    .locator('[role="button"][aria-pressed="true"]')
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? '?'));
}

beforeAll(async () => {
  session = await launchBrowser();
  app = await session.openPage(inject('baseUrl'));
});

afterAll(async () => {
  await session?.close();
});

describe('kube-netviz in Chromium', () => {
  test('loads without console errors or page errors', async () => {
    await pollVisible(topology(app.page), 'the "Cluster topology" group');
    expect(app.pageErrors, 'uncaught page errors').toEqual([]);
    expect(app.consoleErrors, 'console errors').toEqual([]);
  });

  test('draws the default cluster', async () => {
    const { page } = app;
    await pollVisible(topology(page), 'the "Cluster topology" group');
    for (const name of defaultClusterButtons) {
      const button = topology(page).getByRole('button', { name, exact: true });
      await expect
        .poll(() => button.count(), { timeout: waitMs, message: `exactly one button "${name}"` })
        .toBe(1);
      expect(await button.isVisible(), `button "${name}" is visible`).toBe(true);
    }
    // Each node's podCIDR (kube-controller-manager allocates a /24 per node by default).
    for (const podCidr of ['10.0.1.0/24', '10.0.2.0/24']) {
      await pollVisible(page.getByText(podCidr).first(), `the text ${podCidr}`);
    }
  });

  test('clicking the client pod shows its details and its /etc/resolv.conf', async () => {
    const { page } = app;
    const client = topology(page).getByRole('button', { name: clientPodButton, exact: true });
    await client.click();
    await expect.poll(() => client.getAttribute('aria-pressed'), { timeout: waitMs }).toBe('true');

    const panel = details(page);
    await pollVisible(panel, 'the "Details" panel');
    await expect
      .poll(() => panel.getByRole('heading', { level: 2 }).first().textContent(), { timeout: waitMs })
      .toContain('client');

    const resolvConf = panel.getByLabel('/etc/resolv.conf', { exact: true });
    await pollVisible(resolvConf, 'the /etc/resolv.conf block');
    expect(await resolvConf.evaluate((element) => element.tagName)).toBe('PRE');
    const text = (await resolvConf.textContent()) ?? '';
    // kubelet, dnsPolicy ClusterFirst (pkg/kubelet/network/dns/dns.go): only the cluster DNS Service IP as
    // nameserver, search <ns>.svc.<domain> svc.<domain> <domain> (then the node's own search domains), ndots:5.
    expect(text).toContain('nameserver 10.3.240.10');
    expect(text).toContain('options ndots:5');
    expect(text).toMatch(/^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b/m);
    expect(await pressedButtons(page)).toEqual([clientPodButton]);
  });

  test('Tab reaches a topology element, Enter selects it, Escape clears the selection', async () => {
    const { page } = app;
    // A fresh load: nothing selected, and Tab starts from the top of the page.
    await page.reload({ waitUntil: 'load' });
    await pollVisible(topology(page), 'the "Cluster topology" group');
    expect(await pressedButtons(page)).toEqual([]);
    // Tab until focus lands on a selectable element of the topology.
    let label: string | null = null;
    for (let presses = 0; presses < 80 && label === null; presses++) {
      await page.keyboard.press('Tab');
      label = await page.evaluate(() => {
        const active = document.activeElement;
        if (active === null || active.getAttribute('role') !== 'button') return null;
        if (active.closest('[role="group"][aria-label="Cluster topology"]') === null) return null;
        return active.getAttribute('aria-label');
      });
    }
    expect(label, 'Tab never focused a button inside the "Cluster topology" group').not.toBeNull();
    const name = label ?? '';
    const focused = topology(page).getByRole('button', { name, exact: true });

    await page.keyboard.press('Enter');
    await expect.poll(() => focused.getAttribute('aria-pressed'), { timeout: waitMs }).toBe('true');
    await expect
      .poll(() => details(page).getByRole('heading', { level: 2 }).first().textContent(), {
        timeout: waitMs,
      })
      .toContain(shortName(name));

    await page.keyboard.press('Escape');
    await expect.poll(() => pressedButtons(page), { timeout: waitMs }).toEqual([]);
    await expect
      .poll(
        async () => {
          const headings = details(page).getByRole('heading', { level: 2 });
          return (await headings.count()) === 0 ? '' : ((await headings.first().textContent()) ?? '');
        },
        { timeout: waitMs, message: 'the Details panel should no longer describe the element' },
      )
      .not.toContain(shortName(name));
  });

  test('axe finds no serious or critical accessibility violations (light and dark)', async () => {
    const { page } = app;
    // Scan with something selected, so the Details panel is part of the scan.
    await topology(page).getByRole('button', { name: clientPodButton, exact: true }).click();
    await pollVisible(details(page), 'the "Details" panel');

    await page.emulateMedia({ colorScheme: 'light' });
    const light = await seriousViolations(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
    const dark = await seriousViolations(page);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(
      { light, dark },
      `serious/critical axe violations:\nlight: ${light.join('\n       ')}\ndark:  ${dark.join('\n       ')}`,
    ).toEqual({ light: [], dark: [] });
  });

  test('Zoom in and Zoom out change the scale; Fit to screen brings every element into view', async () => {
    const { page } = app;
    const client = topology(page).getByRole('button', { name: clientPodButton, exact: true });
    const width = async () => (await client.boundingBox())?.width ?? 0;
    const start = await width();
    expect(start).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    await expect
      .poll(width, { timeout: waitMs, message: 'Zoom in should enlarge the pod' })
      .toBeGreaterThan(start);
    const zoomedIn = await width();

    await page.getByRole('button', { name: 'Zoom out', exact: true }).click();
    await page.getByRole('button', { name: 'Zoom out', exact: true }).click();
    await expect
      .poll(width, { timeout: waitMs, message: 'Zoom out should shrink the pod' })
      .toBeLessThan(zoomedIn);

    await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    await page.getByRole('button', { name: 'Fit to screen', exact: true }).click();
    const outside = async () => {
      const frame = await topology(page).boundingBox();
      if (frame === null) return ['the topology has no box'];
      const names: string[] = [];
      for (const name of defaultClusterButtons) {
        const box = await topology(page).getByRole('button', { name, exact: true }).boundingBox();
        const inside =
          box !== null &&
          box.x >= frame.x - 1 &&
          box.y >= frame.y - 1 &&
          box.x + box.width <= frame.x + frame.width + 1 &&
          box.y + box.height <= frame.y + frame.height + 1;
        if (!inside) names.push(name);
      }
      return names;
    };
    await expect
      .poll(outside, { timeout: waitMs, message: 'elements outside the topology after Fit to screen' })
      .toEqual([]);
  });

  test('no console errors or page errors after all of the above', () => {
    expect(app.pageErrors, 'uncaught page errors').toEqual([]);
    expect(app.consoleErrors, 'console errors').toEqual([]);
  });
});
