/**
 * Drives a store headlessly, as a user would through the UI (tldraw's TestEditor idea): every call goes
 * through the same named actions the buttons and keys use.
 */
import { actionForKey, createNetvizStore, selectCurrentStep, type NetvizStore } from '../../src/store';
import type { Cluster } from '../../src/model/types';
import { defaultCluster } from '../../src/scenarios';

export class Driver {
  readonly store: NetvizStore;

  constructor(cluster: Cluster = defaultCluster()) {
    this.store = createNetvizStore(cluster);
  }

  get state() {
    return this.store.getState();
  }

  get step() {
    return selectCurrentStep(this.state);
  }

  /** Presses a key the way the app's keyboard handler does. */
  press(key: string): this {
    const action = actionForKey(key);
    if (!action) throw new Error(`no action for key ${JSON.stringify(key)}`);
    action.run(this.state);
    return this;
  }

  /** Steps forward until the predicate holds for the current step (or the trace ends). */
  forwardUntil(predicate: (step: NonNullable<Driver['step']>) => boolean): this {
    const total = this.state.trace?.steps.length ?? 0;
    for (let i = 0; i < total; i += 1) {
      const step = this.step;
      if (step && predicate(step)) return this;
      this.state.stepForward();
    }
    throw new Error('no step matched');
  }
}
