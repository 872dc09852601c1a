#!/usr/bin/env node
// `npm test`: runs every vitest project (unit, component, browser) once, streams vitest's own report,
// then closes with ONE plain line, e.g. `42 passed, 0 failed` (`, N skipped` when some were skipped).
// CI reads that last line; the exit code is non-zero when vitest failed, a test failed, or no test ran.
// Extra arguments pass through to vitest: `npm test -- --project unit tests/model`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vitestBin = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const resultsFile = join(tmpdir(), `kube-netviz-vitest-${process.pid}.json`);

/** Runs vitest with inherited stdio; resolves with its exit code (1 when killed by a signal). */
function runVitest(args) {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [vitestBin, ...args], { cwd: repoRoot, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => {
      console.error(`test-all: could not start vitest: ${error.message}`);
      resolveExit(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveExit(signal !== null ? 1 : (code ?? 1));
    });
  });
}

/** Reads the counts from vitest's json report, or null when there is no readable report. */
function readCounts(file) {
  if (!existsSync(file)) return null;
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const count = (key) => (typeof report[key] === 'number' ? report[key] : 0);
    // A file that fails outside any test (import error, failing beforeAll) has no failed test of its own:
    // count it as one failure so the closing line never says `0 failed` for a red run.
    const brokenFiles = (Array.isArray(report.testResults) ? report.testResults : []).filter(
      (file) =>
        file.status === 'failed' &&
        !(file.assertionResults ?? []).some((assertion) => assertion.status === 'failed'),
    );
    for (const file of brokenFiles) console.error(`test-all: ${file.name} failed outside its tests`);
    return {
      passed: count('numPassedTests'),
      failed: count('numFailedTests') + brokenFiles.length,
      skipped: count('numPendingTests') + count('numTodoTests'),
    };
  } catch (error) {
    console.error(`test-all: could not read ${file}: ${error.message}`);
    return null;
  }
}

if (!existsSync(vitestBin)) {
  console.error('test-all: vitest is not installed; run `npm ci` first.');
  console.log('0 passed, 0 failed');
  process.exit(1);
}

/**
 * The browser tests drive Debian's Chromium. On a fresh machine where we are root and apt-get exists, install
 * it (as .ci/run does) so that `npm test` alone passes; otherwise the browser tests say what to install.
 */
function ensureChromium() {
  const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (existsSync(chrome) || process.env.CHROME_PATH !== undefined) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return;
  console.error("test-all: Chromium is missing; installing Debian's chromium with apt-get (about 30 s)");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) return;
  spawnSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core', 'fonts-liberation'],
    { stdio: 'inherit', env },
  );
}

const args = process.argv.slice(2);
const onlyOtherProjects =
  args.includes('--project') && !args.some((a, i) => args[i - 1] === '--project' && a === 'browser');
if (!onlyOtherProjects) ensureChromium();

const exitCode = await runVitest([
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...args,
]);
const counts = readCounts(resultsFile);
rmSync(resultsFile, { force: true });

const problems = [];
if (exitCode !== 0) problems.push(`vitest exited with code ${exitCode}`);
if (counts === null) problems.push('vitest wrote no json report');
else {
  if (counts.failed > 0) problems.push(`${counts.failed} test(s) failed`);
  if (counts.passed + counts.failed === 0) problems.push('no test ran');
}
for (const problem of problems) console.error(`test-all: ${problem}`);

const { passed = 0, failed = 0, skipped = 0 } = counts ?? {};
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(problems.length > 0 ? 1 : 0);
