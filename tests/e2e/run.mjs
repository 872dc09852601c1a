#!/usr/bin/env node
// `npm run test:browser`: only the browser project (build, vite preview, Chromium), with the same closing
// `N passed, N failed` line as `npm test`. Extra arguments pass through to vitest.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const testAll = fileURLToPath(new URL('../../scripts/test-all.mjs', import.meta.url));
const child = spawn(process.execPath, [testAll, '--project', 'browser', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(signal !== null ? 1 : (code ?? 1)));
