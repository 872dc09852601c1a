/**
 * Computes the scale figures off the main thread (a 10,000-Service cluster takes seconds to build and trace
 * in every mode): one message per figure as it is ready, then `done` (or `error`).
 */
import '../../../engine/proxy/all';
import { scaleFigureSteps } from '../../../engine/scale';
import type { ScaleRequest, ScaleMessage } from './scaleFigures';

const post = (message: ScaleMessage) =>
  (self as unknown as { postMessage(m: ScaleMessage): void }).postMessage(message);

self.addEventListener('message', (event: MessageEvent<ScaleRequest>) => {
  try {
    for (const figure of scaleFigureSteps(event.data.counts, event.data.modes))
      post({ kind: 'figure', figure });
    post({ kind: 'done' });
  } catch (error) {
    post({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
