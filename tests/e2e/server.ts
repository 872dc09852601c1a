import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';

/** The repository root (this file lives in tests/e2e/). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

export interface AppServer {
  /** e.g. `http://127.0.0.1:41234/` (always ends with a slash). */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Directory holding the production build; built there first when `build` is true. */
  readonly outDir: string;
  /** Run `vite build` into outDir before serving. */
  readonly build: boolean;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error('could not read the port of a probe server'));
        return;
      }
      probe.close(() => resolvePort(address.port));
    });
  });
}

/** Builds the app (quietly) into `outDir`. Uses the repository's vite.config.ts. */
export async function buildApp(outDir: string): Promise<void> {
  await build({
    root: repoRoot,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

/** Serves a production build with `vite preview` on 127.0.0.1 and a free port (strictPort). */
export async function serveApp(options: ServeOptions): Promise<AppServer> {
  if (options.build) await buildApp(options.outDir);
  const port = await findFreePort();
  const server: PreviewServer = await preview({
    root: repoRoot,
    logLevel: 'warn',
    build: { outDir: options.outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
  return {
    url: url.endsWith('/') ? url : `${url}/`,
    close: () => server.close(),
  };
}

/** Builds into a fresh temporary directory (so the working tree's dist/ is left alone) and serves it. */
export async function buildAndServeTemporary(): Promise<AppServer> {
  const outDir = await mkdtemp(join(tmpdir(), 'kube-netviz-e2e-dist-'));
  try {
    const server = await serveApp({ outDir, build: true });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        await rm(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
}
