import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { parseAllDocuments } from 'yaml';

/**
 * Built-in scenarios are stored as Kubernetes YAML manifests. They are parsed at build time into plain
 * objects (`import docs from './x.yaml'` gives `unknown[]`, one entry per document) so that the YAML parser
 * is only loaded at run time when a user imports their own manifests.
 */
function yamlDocuments(): Plugin {
  return {
    name: 'kube-netviz:yaml-documents',
    transform(code, id) {
      if (!id.endsWith('.yaml')) return null;
      const docs = parseAllDocuments(code);
      const objects: unknown[] = [];
      for (const doc of docs) {
        if (doc.errors.length > 0) {
          this.error(`${id}: ${doc.errors.map((e) => e.message).join('; ')}`);
        }
        const value: unknown = doc.toJS();
        if (value !== null && value !== undefined) objects.push(value);
      }
      return { code: `export default ${JSON.stringify(objects)};`, map: null };
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
        },
      },
      {
        extends: true,
        test: {
          name: 'component',
          include: ['tests/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['tests/helpers/setupDom.ts'],
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
