import { readFileSync } from 'node:fs';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { seriousViolations } from './axe';
import { launchBrowser } from './browser';
import { repoRoot } from './server';
import type { BrowserSession, WatchedPage } from './browser';

const waitMs = 15_000;

let session: BrowserSession | undefined;
let demo: WatchedPage;

/** The narration of an embed (playwright's locators pierce the element's open shadow root). */
function narration(scope: Page | FrameLocator | Locator): Locator {
  return scope.getByRole('status', { name: 'Narration' });
}

async function pollText(locator: Locator, pattern: RegExp, what: string): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) > 0 ? await locator.first().innerText() : ''), {
      timeout: waitMs,
      message: what,
    })
    .toMatch(pattern);
}

beforeAll(async () => {
  session = await launchBrowser();
  demo = await session.openPage(`${inject('baseUrl')}embed-demo.html`);
});

afterAll(async () => {
  await session?.close();
});

describe('embed-demo.html', () => {
  test('renders both <kube-netviz> elements at their steps, each with its own store', async () => {
    const { page } = demo;
    await pollText(
      narration(page.locator('#iptables-demo')),
      /step 28 of \d+/,
      'the iptables embed at step 28',
    );
    await pollText(narration(page.locator('#ipvs-demo')), /step 34 of \d+/, 'the ipvs embed at step 34');
    // The ready events reached the page.
    await pollText(page.locator('#iptables-demo-now'), /^Step 28 of \d+ \(iptables\): /, 'the ready line');
    await pollText(page.locator('#ipvs-demo-now'), /^Step 34 of \d+ \(ipvs\): /, 'the ready line');
    // controls="false": no transport bar in the ipvs embed; the iptables one has its own.
    expect(await page.locator('#ipvs-demo').getByRole('group', { name: 'Playback' }).count()).toBe(0);
    expect(await page.locator('#iptables-demo').getByRole('group', { name: 'Playback' }).count()).toBe(1);
    // theme="dark" wins over the reader's light scheme, inside that element only (theme.css: --bg).
    const background = (id: string) =>
      page.locator(`#${id} .netviz-embed`).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await background('ipvs-demo')).toBe('rgb(15, 18, 22)');
    expect(await background('iptables-demo')).toBe('rgb(255, 255, 255)');
  });

  test('a button in the prose moves its embed to its step, and only that embed', async () => {
    const { page } = demo;
    const iptables = narration(page.locator('#iptables-demo'));
    const before = await iptables.innerText();
    await page.getByRole('button', { name: 'show the DNAT', exact: true }).click();
    await pollText(iptables, /step 32 of \d+/, 'the iptables embed at the DNAT');
    expect(await iptables.innerText()).not.toBe(before);
    expect(await iptables.innerText()).toMatch(/PREROUTING and rewrites the destination/);
    await pollText(page.locator('#iptables-demo-now'), /^Step 32 of/, 'the stepchange line');
    await pollText(narration(page.locator('#ipvs-demo')), /step 34 of/, 'the ipvs embed left where it was');

    await page.getByRole('button', { name: 'IPVS picks an endpoint' }).click();
    await pollText(
      narration(page.locator('#ipvs-demo')),
      /step 36 of \d+\s*IPVS on node-1/,
      'the ipvs embed at IPVS',
    );
  });

  test('the iframe embed renders, posts ready, and takes a goto by postMessage', async () => {
    const { page } = demo;
    await page.locator('#nftables-frame').scrollIntoViewIfNeeded();
    const frame = page.frameLocator('#nftables-frame');
    await pollText(narration(frame), /step 28 of \d+/, 'the iframe at step 28');
    await pollText(
      page.locator('#nftables-frame-now'),
      /^Step 28 of \d+ \(nftables\): /,
      'the ready message',
    );
    await page.getByRole('button', { name: 'show the DNAT in nftables' }).click();
    await pollText(narration(frame), /step 32 of \d+/, 'the iframe at the DNAT');
    await pollText(page.locator('#nftables-frame-now'), /^Step 32 of/, 'the stepchange message');
  });

  test('has no console errors, no page errors and no serious axe violations', async () => {
    expect(demo.pageErrors, 'uncaught page errors').toEqual([]);
    expect(demo.consoleErrors, 'console errors').toEqual([]);
    expect(await seriousViolations(demo.page)).toEqual([]);
  });
});

describe('embed inputs that are wrong', () => {
  test('an element naming no scenario says so in place, and the page goes on', async () => {
    const { page } = demo;
    await page.evaluate(() => {
      const el = document.createElement('kube-netviz');
      el.id = 'broken';
      el.setAttribute('scenario', 'no-such-scenario');
      document.querySelector('article')?.append(el);
      // Commands that are not commands are refused, never thrown.
      (el as unknown as { goto(step: unknown): boolean }).goto('seven');
    });
    await pollText(
      page.locator('#broken').getByRole('alert'),
      /there is no built-in scenario "no-such-scenario"/,
      'the notice',
    );
    await pollText(narration(page.locator('#broken')), /step 1 of/, 'the default cluster shown instead');
    expect(demo.pageErrors).toEqual([]);
    expect(demo.consoleErrors).toEqual([]);
  });

  test('an iframe takes commands only from the origins its URL allows', async () => {
    const base = new URL(inject('baseUrl'));
    // The same server under another name is another origin.
    const other = `http://localhost:${base.port}/`;
    const watched = await session?.openPage(`${base.origin}/embed-demo.html`);
    if (!watched) throw new Error('no page');
    const { page } = watched;
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    // Every kube-netviz message this page receives, with the frame it came from.
    await page.evaluate(() => {
      const w = window as unknown as { received: string[] };
      w.received = [];
      window.addEventListener('message', (e) => {
        const frame = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === e.source);
        const data = e.data as { type?: string; event?: string };
        if (data.type === 'kube-netviz') w.received.push(`${frame?.id ?? '?'} ${data.event ?? ''}`);
      });
    });
    const open = (id: string, query: string) =>
      page.evaluate(
        ({ id, src }) => {
          const frame = document.createElement('iframe');
          frame.id = id;
          frame.src = src;
          frame.title = id;
          document.body.prepend(frame);
        },
        { id, src: `${other}?embed&step=3${query}` },
      );
    const goto = (id: string, step: number) =>
      page.evaluate(
        ({ id, step }) =>
          (document.getElementById(id) as HTMLIFrameElement).contentWindow?.postMessage(
            { type: 'kube-netviz', command: 'goto', step },
            '*',
          ),
        { id, step },
      );
    const received = () => page.evaluate(() => (window as unknown as { received: string[] }).received);

    // Without origin=, the embed (at localhost) obeys no page of another origin (this one is 127.0.0.1).
    await open('refused', '');
    await pollText(narration(page.frameLocator('#refused')), /step 4 of/, 'the refused embed drawn');
    await goto('refused', 9);
    await expect
      .poll(() => warnings.join('\n'), { timeout: waitMs })
      .toContain(`kube-netviz: ignored a command from ${base.origin}`);
    expect(await narration(page.frameLocator('#refused')).innerText()).toMatch(/step 4 of/);

    // With origin= naming this page, it reports to it and obeys it.
    await open('allowed', `&origin=${encodeURIComponent(base.origin)}`);
    await expect.poll(received, { timeout: waitMs }).toContain('allowed ready');
    await goto('allowed', 9);
    await pollText(narration(page.frameLocator('#allowed')), /step 10 of/, 'the allowed embed after goto');
    await expect.poll(received, { timeout: waitMs }).toContain('allowed stepchange');
    // The refused embed sent its events to its own origin only: none reached this page.
    expect((await received()).filter((m) => m.startsWith('refused'))).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
  });
});

describe("the README's snippets", () => {
  test("an element with inline manifests (the README's) draws that cluster and traces its request", async () => {
    const readme = readFileSync(`${repoRoot}/README.md`, 'utf8');
    const snippet = /<kube-netviz mode="ipvs" from="default\/client" to="shop">[\s\S]*?<\/kube-netviz>/.exec(
      readme,
    )?.[0];
    expect(snippet, 'the inline-manifests snippet in README.md').toBeDefined();
    const { page } = demo;
    await page.evaluate((html) => {
      const holder = document.createElement('div');
      holder.innerHTML = html.replace('<kube-netviz ', '<kube-netviz id="inline" ');
      document.querySelector('article')?.append(holder);
    }, snippet ?? '');
    const inline = page.locator('#inline');
    await pollText(
      narration(inline),
      /step 1 of \d+\s*The resolver checks \/etc\/hosts/,
      'the inline cluster traced',
    );
    expect(await inline.getByRole('button', { name: /^Node worker-b, eth0 192\.168\.49\.3/ }).count()).toBe(
      1,
    );
    await page.evaluate(() =>
      (document.getElementById('inline') as unknown as { goto(n: number): void }).goto(1000),
    );
    await pollText(
      narration(inline),
      /client receives the reply from 10\.\d+\.\d+\.\d+:80/,
      'the end: delivered',
    );
    expect(demo.consoleErrors).toEqual([]);
  });

  test('attributes changed on a live element apply at once', async () => {
    const { page } = demo;
    await page.evaluate(() => document.getElementById('iptables-demo')?.setAttribute('step', '40'));
    await pollText(narration(page.locator('#iptables-demo')), /step 41 of/, 'step attribute applied');
    await page.evaluate(() => document.getElementById('iptables-demo')?.setAttribute('mode', 'ipvs'));
    await pollText(page.locator('#iptables-demo-now'), /\(ipvs\)/, 'mode attribute applied');
  });

  test('the wheel over an embed zooms only with Ctrl, and otherwise scrolls the page', async () => {
    const { page } = demo;
    const el = page.locator('#ipvs-demo');
    await el.scrollIntoViewIfNeeded();
    const viewport = el.locator('svg.topology-svg > g').first();
    const transform = () => viewport.getAttribute('transform');
    const box = await el.boundingBox();
    if (!box) throw new Error('no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    const fitted = await transform();
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await expect.poll(transform, { timeout: waitMs }).not.toBe(fitted);
    const zoomed = await transform();
    const scrollY = await page.evaluate(() => window.scrollY);
    await page.mouse.wheel(0, 300);
    await expect
      .poll(() => page.evaluate(() => window.scrollY), { timeout: waitMs })
      .toBeGreaterThan(scrollY);
    expect(await transform()).toBe(zoomed);
  });
});
