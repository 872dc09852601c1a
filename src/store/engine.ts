/**
 * The packet engine, as the store uses it. The app draws its first picture before the engine has loaded (it is
 * the biggest part of the code); the store then loads it and traces. Tests and Node programs provide it up
 * front (`provideEngine`), so the store traces at once.
 */
import type * as ProxyModule from '../engine/proxy';
import type * as TraceModule from '../engine/trace';

export interface Engine {
  readonly trace: typeof TraceModule.trace;
  readonly TraceInputError: typeof TraceModule.TraceInputError;
  readonly isProxyModeLoaded: typeof ProxyModule.isProxyModeLoaded;
  readonly loadProxyMode: typeof ProxyModule.loadProxyMode;
  readonly proxyModeModule: typeof ProxyModule.proxyModeModule;
}

let engine: Engine | null = null;
let loading: Promise<Engine> | null = null;

export function engineFrom(trace: typeof TraceModule, proxy: typeof ProxyModule): Engine {
  return {
    trace: trace.trace,
    TraceInputError: trace.TraceInputError,
    isProxyModeLoaded: proxy.isProxyModeLoaded,
    loadProxyMode: proxy.loadProxyMode,
    proxyModeModule: proxy.proxyModeModule,
  };
}

/** The engine if it has loaded, else null. */
export function currentEngine(): Engine | null {
  return engine;
}

export function provideEngine(e: Engine): void {
  engine = e;
}

/** Loads the engine once. */
export function loadEngine(): Promise<Engine> {
  if (engine) return Promise.resolve(engine);
  loading ??= Promise.all([import('../engine/trace'), import('../engine/proxy')]).then(([t, p]) => {
    engine = engineFrom(t, p);
    return engine;
  });
  return loading;
}
