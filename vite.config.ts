import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { build, type LogLevel, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { parseAllDocuments } from 'yaml';
import { readObjects } from './src/manifests/readObjects';
import { resolveCluster } from './src/model/resolve';

/**
 * Built-in scenarios are stored as Kubernetes YAML manifests. They are parsed at build time into plain
 * objects (`import docs from './x.yaml'` gives `unknown[]`, one entry per document) so that the YAML parser
 * is only loaded at run time when a user imports their own manifests.
 */
function yamlDocuments(): Plugin {
  const parse = (code: string, id: string, fail: (message: string) => never): unknown[] => {
    const objects: unknown[] = [];
    for (const doc of parseAllDocuments(code)) {
      if (doc.errors.length > 0) fail(`${id}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value: unknown = doc.toJS();
      if (value !== null && value !== undefined) objects.push(value);
    }
    return objects;
  };
  return {
    name: 'kube-netviz:yaml-documents',
    transform(code, id) {
      const [file = '', query = ''] = id.split('?');
      if (!file.endsWith('.yaml')) return null;
      const objects = parse(code, file, (m) => this.error(m));
      if (query !== 'cluster') return { code: `export default ${JSON.stringify(objects)};`, map: null };
      // `x.yaml?cluster`: the resolved Cluster, computed now by the same reader and IPAM the app uses.
      const read = readObjects(objects);
      if (read.errors.length > 0) this.error(`${file}: ${read.errors.map((e) => e.describe()).join('; ')}`);
      const resolved = resolveCluster(read.draft);
      if (!resolved.ok) this.error(`${file}: ${resolved.errors.map((e) => e.describe()).join('; ')}`);
      return { code: `export default ${JSON.stringify(resolved.cluster)};`, map: null };
    },
  };
}

const ELEMENT_ENTRY = 'src/embed/element.tsx';
const ELEMENT_FILE = 'kube-netviz-element.js';
const DEMO_PAGE = 'embed-demo.html';

/**
 * The element's stylesheets go into each element's shadow root as text (`?inline`); a plain `import './x.css'`
 * would add a <link> to the docs page's own <head>, so in the element's build it imports nothing.
 */
function cssAsTextOnly(): Plugin {
  const empty = '\0kube-netviz:no-css';
  return {
    name: 'kube-netviz:css-as-text-only',
    enforce: 'pre',
    resolveId: (source) => (source.endsWith('.css') ? empty : null),
    load: (id) => (id === empty ? 'export {};' : null),
  };
}

/** In the dev server, the element's address serves its source (so embed-demo.html works in `npm run dev`). */
function customElementDevServer(): Plugin {
  return {
    name: 'kube-netviz:custom-element-dev',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url === `/${ELEMENT_FILE}`) req.url = `/${ELEMENT_ENTRY}`;
        next();
      });
    },
  };
}

/**
 * `<kube-netviz>` for docs sites: after the app's build, a second build of src/embed/element.tsx into
 * `kube-netviz-element.js` at the site root (its lazy chunks in element/, found relative to the script, so
 * the script works from any page that loads it), and the demo page beside it, copied as written.
 */
function customElementBuild(): Plugin {
  let root = '';
  let outDir = '';
  let logLevel: LogLevel = 'info';
  return {
    name: 'kube-netviz:custom-element',
    // Only `vite build`: dev servers (and vitest's) also run closeBundle when they close.
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
      logLevel = config.logLevel ?? 'info';
    },
    async closeBundle() {
      if (outDir === '') return;
      await build({
        configFile: false,
        root,
        base: './',
        logLevel,
        plugins: [cssAsTextOnly(), yamlDocuments(), react()],
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          target: 'es2022',
          sourcemap: false,
          rollupOptions: {
            input: { 'kube-netviz-element': resolve(root, ELEMENT_ENTRY) },
            output: {
              entryFileNames: ELEMENT_FILE,
              chunkFileNames: 'element/[name]-[hash].js',
              assetFileNames: 'element/[name]-[hash][extname]',
            },
          },
        },
      });
      await copyFile(resolve(root, DEMO_PAGE), resolve(outDir, DEMO_PAGE));
    },
  };
}

export default defineConfig({
  plugins: [yamlDocuments(), react(), customElementBuild(), customElementDevServer()],
  build: {
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      output: {
        // What index.html loads at once goes in one chunk. Without this group, every module that a lazy chunk
        // shares with the start-up code (the `?embed` view shares most of it) is split off into common chunks,
        // which compress worse: one chunk is ~4 kB gzip smaller than the split. main.tsx must then not await
        // lazy chunks at its top level (they import from this chunk; see start() there).
        codeSplitting: { groups: [{ name: 'app', tags: ['$initial'] }] },
      },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**'],
          environment: 'node',
          setupFiles: ['tests/helpers/allProxyModes.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'component',
          include: ['tests/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['tests/helpers/allProxyModes.ts', 'tests/helpers/setupDom.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
