import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
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

export default defineConfig({
  plugins: [yamlDocuments(), react()],
  build: {
    target: 'es2022',
    sourcemap: false,
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
