import type { TestProject } from 'vitest/node';
import { buildAndServeTemporary } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the production build is served for the browser tests, e.g. `http://127.0.0.1:41234/`. */
    baseUrl: string;
  }
}

/** Builds the app once, serves it with `vite preview`, and hands the URL to the browser tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await buildAndServeTemporary();
  project.provide('baseUrl', server.url);
  return () => server.close();
}
