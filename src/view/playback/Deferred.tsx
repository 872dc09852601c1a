import { Component, Suspense, useEffect, type ReactNode } from 'react';

/**
 * Where a part of the view loads on demand (`React.lazy`): a small "Loading…" stands in meanwhile, and a
 * chunk that fails to load (offline, a stale deploy) says so in place instead of taking the app down.
 */
export function Deferred({ children, what }: { children: ReactNode; what: string }) {
  return (
    <LoadFailure what={what}>
      <Suspense
        fallback={
          <p className="nv-loading muted" role="status" aria-busy="true">
            Loading…
          </p>
        }
      >
        {children}
      </Suspense>
    </LoadFailure>
  );
}

interface LoadFailureProps {
  readonly children: ReactNode;
  readonly what: string;
  /** How to show the failure message (default: a paragraph in place). */
  readonly shown?: (message: ReactNode) => ReactNode;
}

/** Catches a lazy part that failed to load and says so. */
export class LoadFailure extends Component<LoadFailureProps, { error: string | null }> {
  override state: { error: string | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: string } {
    return { error: error instanceof Error ? error.message : String(error) };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    const message = (
      <span className="nv-load-error" role="alert">
        Could not load the {this.props.what}: {this.state.error}
      </span>
    );
    return this.props.shown ? this.props.shown(message) : message;
  }
}

/**
 * Starts loading on-demand parts once the browser is idle after the first picture, so that they are usually
 * there before they are asked for. A failed load is left for the part's own boundary to report.
 */
export function usePrefetchWhenIdle(...loads: readonly (() => Promise<unknown>)[]): void {
  useEffect(() => {
    const start = () => {
      for (const load of loads) void load().catch(() => undefined);
    };
    if (typeof window.requestIdleCallback === 'function') {
      const handle = window.requestIdleCallback(start, { timeout: 2000 });
      return () => window.cancelIdleCallback(handle);
    }
    const handle = window.setTimeout(start, 200);
    return () => window.clearTimeout(handle);
    // The loaders are module constants: run once per mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}
