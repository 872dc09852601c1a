/**
 * Browser benchmark: the production build in headless Chromium, on localhost.
 * - time from navigation to a drawn default cluster;
 * - initial JavaScript (gzip) — what index.html loads before anything is asked for;
 * - playing a trace: frame-time p50/p95, the main-thread work per frame and per second,
 *   on the default cluster and on a generated 50-node / 1,000-pod cluster.
 * Headless Chromium without a GPU paces requestAnimationFrame at 60 Hz (16.7 ms steps); the work figures come
 * from CDP's Performance metrics (TaskDuration), which count the main thread's own time.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../tests/e2e/browser';
import { serveApp } from '../../tests/e2e/server';

type Row = [string, string, string];
const rows: Row[] = [];
const row = (what: string, figure: string, target: string) => {
  rows.push([what, figure, target]);
};

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function initialJsGzip(distDir: string): number {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
  return files.reduce((sum, f) => sum + gzipSync(readFileSync(join(distDir, f))).length, 0);
}

async function timeToDrawn(page: Page, url: string): Promise<number> {
  // Scripts go to the page as text: tsx's transform would add helpers (`__name`) the page doesn't have.
  await page.addInitScript(`
    new MutationObserver((_, observer) => {
      if (document.querySelector('[aria-label="Cluster topology"] [role="button"]')) {
        window.__drawnAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  `);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction('window.__drawnAt !== undefined');
  return Number(await page.evaluate('window.__drawnAt'));
}

/**
 * Two windows of playback: one records frame times with a requestAnimationFrame loop; the other measures the
 * main thread's work without that loop (the recorder itself would cost a main-thread frame per vsync).
 */
async function measurePlayback(page: Page, seconds: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name: string) => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as {
      metrics: { name: string; value: number }[];
    };
    return metrics.find((m) => m.name === name)?.value ?? 0;
  };
  // Scripts go to the page as text: tsx's transform would add helpers (`__name`) the page doesn't have.
  await page.evaluate(`
    window.__frames = [];
    window.__recording = true;
    requestAnimationFrame(function tick(t) {
      window.__frames.push(t);
      if (window.__recording) requestAnimationFrame(tick);
    });
  `);
  await page.keyboard.press('Space'); // Play
  await page.waitForTimeout(seconds * 1000);
  const frames = (await page.evaluate('window.__recording = false, window.__frames')) as number[];
  await page.waitForTimeout(100);

  const task0 = await metric('TaskDuration');
  const t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const task1 = await metric('TaskDuration');
  const elapsed = (Date.now() - t0) / 1000;
  const playing = (await page.getByRole('button', { name: 'Pause', exact: true }).count()) > 0;
  const heap = await metric('JSHeapUsedSize');
  const deltas = frames.slice(1).map((t, i) => t - (frames[i] ?? t));
  const workMs = (task1 - task0) * 1000;
  return {
    p50: percentile(deltas, 50),
    p95: percentile(deltas, 95),
    frames: deltas.length,
    workPerSecond: workMs / elapsed,
    stillPlaying: playing,
    heapMB: heap / 2 ** 20,
  };
}

async function main() {
  const outDir = await mkdtemp(join(tmpdir(), 'kube-netviz-bench-dist-'));
  const server = await serveApp({ outDir, build: true });
  const session = await launchBrowser();
  try {
    row('initial JavaScript (gzip)', `${(initialJsGzip(outDir) / 1024).toFixed(1)} kB`, '≤ 110 kB');
    const drawn: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const page = await session.context.newPage();
      drawn.push(await timeToDrawn(page, server.url));
      await page.close();
    }
    row(
      'navigation → default cluster drawn (median of 5)',
      `${percentile(drawn, 50).toFixed(0)} ms`,
      '≤ 250 ms',
    );

    for (const [label, query] of [
      ['default cluster', ''],
      ['generated 50 nodes × 20 pods', '?generate=50x20'],
    ] as const) {
      const page = await session.context.newPage();
      await page.goto(server.url + query, { waitUntil: 'load' });
      await page.waitForSelector('[aria-label="Cluster topology"] [role="button"]');
      await page.waitForTimeout(300);
      const m = await measurePlayback(page, 5);
      row(
        `${label}: frame time p50 / p95 while playing`,
        `${m.p50.toFixed(1)} / ${m.p95.toFixed(1)} ms (${m.frames} frames)`,
        'p95 ≤ 16.7 ms',
      );
      row(
        `${label}: main-thread work while playing`,
        `${m.workPerSecond.toFixed(1)} ms/s${m.stillPlaying ? '' : ' (playback ended early!)'}`,
        '≤ 50 ms/s',
      );
      row(`${label}: JS heap`, `${m.heapMB.toFixed(1)} MiB`, '');
      await page.close();
    }
  } finally {
    await session.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`\nkube-netviz browser benchmark (headless Chromium, 1280×720, production build)\n`);
  console.log(`${'measure'.padEnd(w0)}  ${'figure'.padEnd(w1)}  target`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
}

await main();
