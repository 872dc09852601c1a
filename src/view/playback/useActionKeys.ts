import { useEffect, type RefObject } from 'react';
import { actionForKey, historyActionFor } from '../../store';
import { useNetvizStore } from '../NetvizContext';

/** Keys that a focused button (or role=button) handles itself. */
const ACTIVATION_KEYS = new Set([' ', 'Enter']);

/** True when the key belongs to the focused control rather than to the app. */
export function isKeyForFocusedControl(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof Element)) return false;
  if (key !== 'Escape' && target.closest('input, select, textarea, [contenteditable="true"]')) return true;
  if (ACTIVATION_KEYS.has(key) && target.closest('button, [role="button"], a[href], summary')) return true;
  return false;
}

/**
 * Runs the named action bound to a key (ACTIONS in src/store/actions.ts), wherever focus is — except when the
 * focused control needs the key itself (typing in a field, Space on a button). With a `scope` (an embed on a
 * docs page), only keys pressed while focus is inside it: the page's own Space and arrows stay the page's.
 */
export function useActionKeys(scope?: RefObject<HTMLElement | null>): void {
  const store = useNetvizStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const history = historyActionFor(e);
      // In a text field the chord is the field's own undo.
      if (
        history &&
        !(e.target instanceof Element && e.target.closest('input, textarea, [contenteditable="true"]'))
      ) {
        e.preventDefault();
        history.run(store.getState());
        return;
      }
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (isKeyForFocusedControl(e.target, e.key)) return;
      const action = actionForKey(e.key);
      if (!action) return;
      // Space and PageDown would otherwise scroll the page.
      e.preventDefault();
      action.run(store.getState());
    };
    const target: HTMLElement | Window | null = scope ? scope.current : window;
    target?.addEventListener('keydown', onKey as EventListener);
    return () => target?.removeEventListener('keydown', onKey as EventListener);
  }, [store, scope]);
}
