/**
 * The postMessage side of an `?embed` iframe: commands from the embedding page (checked for origin and
 * shape, see messages.ts) drive the embed's store; `ready` and `stepchange` go back to the parent window.
 * What is refused is ignored with a console warning, never thrown.
 */
import type { NetvizStore } from '../store';
import { runCommand, watchSteps } from './drive';
import {
  MESSAGE_TYPE,
  eventTargets,
  isAllowedOrigin,
  isNetvizMessage,
  parseCommand,
  type OriginPolicy,
} from './messages';

export interface FrameBridgeOptions {
  readonly policy: OriginPolicy;
  /** The window commands arrive on (the iframe's own window). */
  readonly self: Window;
  /** Where events go (the embedding page), or null when the app is not framed. */
  readonly parent: Window | null;
  /** The mode asked for at start-up: `ready` waits for its trace. */
  readonly mode?: string;
}

export function connectFrameBridge(store: NetvizStore, options: FrameBridgeOptions): () => void {
  const { policy, self, parent } = options;
  const onMessage = (e: MessageEvent) => {
    if (!isNetvizMessage(e.data)) return;
    if (!isAllowedOrigin(policy, e.origin)) {
      console.warn(
        `kube-netviz: ignored a command from ${e.origin}; this embed takes commands from ${
          policy.any ? 'any page' : policy.origins.join(', ')
        } (add &origin=${e.origin} to the iframe's URL to allow it)`,
      );
      return;
    }
    const parsed = parseCommand(e.data);
    if (!parsed.ok) {
      console.warn(`kube-netviz: ignored a command: ${parsed.error}`);
      return;
    }
    runCommand(store, parsed.command);
  };
  self.addEventListener('message', onMessage);
  const stop = watchSteps(
    store,
    (event) => {
      if (!parent) return;
      for (const target of eventTargets(policy)) parent.postMessage({ type: MESSAGE_TYPE, ...event }, target);
    },
    options.mode !== undefined ? { mode: options.mode } : {},
  );
  return () => {
    self.removeEventListener('message', onMessage);
    stop();
  };
}
