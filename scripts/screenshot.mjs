#!/usr/bin/env node
// Takes screenshots of the built app in headless Chromium (1280×720), for people and helpers to look at.
//   node scripts/screenshot.mjs [--out DIR] [--dark | --both] [--url-path /?x] [--select NAME] [--build]
// Builds into dist/ when dist/ is missing (or with --build), serves it with `vite preview` on a free port,
// waits for the topology, writes PNGs (default /tmp/kube-netviz-shots, never inside the repo), prints their
// paths, and stops the server. --select clicks the element with that accessible name first, e.g.
// --select "Pod default/client, 10.0.1.3". Exits non-zero when the topology never appeared.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/kube-netviz-shots' },
    dark: { type: 'boolean', default: false },
    both: { type: 'boolean', default: false },
    'url-path': { type: 'string', default: '/' },
    select: { type: 'string' },
    build: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: node scripts/screenshot.mjs [--out DIR] [--dark | --both] [--url-path /?x] [--select NAME] [--build]',
  );
  process.exit(0);
}

const { launchBrowser } = await tsImport('../tests/e2e/browser.ts', import.meta.url);
const { repoRoot, serveApp } = await tsImport('../tests/e2e/server.ts', import.meta.url);

const outDir = resolve(values.out);
if (outDir === repoRoot || outDir.startsWith(`${repoRoot}/`)) {
  console.error(`screenshot: --out ${outDir} is inside the repository; pick a directory outside it`);
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const distDir = join(repoRoot, 'dist');
const mustBuild = values.build || !existsSync(join(distDir, 'index.html'));
if (!mustBuild) console.error('screenshot: serving the existing dist/ (pass --build to rebuild it)');
const schemes = values.both ? ['light', 'dark'] : values.dark ? ['dark'] : ['light'];

const server = await serveApp({ outDir: distDir, build: mustBuild });
let session;
let ok = true;
try {
  session = await launchBrowser();
  const url = new URL(values['url-path'], server.url).href;
  const { page, consoleErrors, pageErrors } = await session.openPage(url);
  const topology = page.getByRole('group', { name: 'Cluster topology', exact: true });
  try {
    await topology.waitFor({ state: 'visible', timeout: 15_000 });
  } catch {
    ok = false;
    console.error(`screenshot: the "Cluster topology" group did not appear at ${url}`);
  }
  if (values.select !== undefined) {
    await page.getByRole('button', { name: values.select, exact: true }).click();
  }
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let transitions triggered by the scheme change settle before the shot.
    await page.waitForTimeout(300);
    const file = join(outDir, `kube-netviz-${scheme}.png`);
    await page.screenshot({ path: file });
    console.log(file);
  }
  for (const error of [...pageErrors, ...consoleErrors]) console.error(`screenshot: page error: ${error}`);
} catch (error) {
  ok = false;
  console.error(`screenshot: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await session?.close();
  await server.close();
}
process.exit(ok ? 0 : 1);
