import { act, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { NetvizStore } from '../../../src/store';
import { NetvizProvider, useNetvizStore } from '../../../src/view/NetvizContext';
import { RulesPanel } from '../../../src/view/playback/RulesPanel';
import { makeLargeCluster } from '../../fixtures/largeCluster';

function renderRules(cluster = makeLargeCluster(10, 250)) {
  let store: NetvizStore | null = null;
  function Grab() {
    store = useNetvizStore();
    return null;
  }
  render(
    <NetvizProvider cluster={cluster}>
      <Grab />
      <RulesPanel />
    </NetvizProvider>,
  );
  if (!store) throw new Error('no store');
  return store as NetvizStore;
}

describe('Rules panel on a long ruleset', () => {
  it('renders only the rows around the lit line of a 10,000-line ruleset', () => {
    const store = renderRules();
    // The ClusterIP of `web` directly: the generated cluster runs no CoreDNS.
    act(() => store.getState().setRequest({ to: '10.3.240.20' }));
    const steps = store.getState().trace?.steps ?? [];
    const trap = steps.findIndex((s) => s.phase === 'request' && s.rewrite?.by === 'DNAT');
    expect(trap).toBeGreaterThan(0);
    act(() => store.getState().goTo(trap));
    const rules = screen.getByRole('region', { name: 'Rules' });
    const code = within(rules).getByRole('group', { name: /^Ruleset of / });
    const total = Number(/(\d+) lines/.exec(code.getAttribute('aria-label') ?? '')?.[1]);
    expect(total).toBeGreaterThan(10_000);
    expect(code.children.length).toBeLessThan(200);
    const lit = within(code).getByText((_, el) => el?.getAttribute('aria-current') === 'true');
    expect(lit).toHaveTextContent(steps[trap]?.rule?.text ?? '(no rule)');
  });
});
