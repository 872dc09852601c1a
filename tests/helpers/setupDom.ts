import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Lazy parts of the view (tabs, dialogs) load as separate modules; on a busy shared machine the first import
// can take seconds, so findBy*/waitFor wait longer than Testing Library's 1 s default (a wait, not an
// assertion about speed: it returns as soon as the element is there).
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
});
