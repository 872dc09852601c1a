import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { loadScenario, scenarios } from '../../../src/scenarios/load';
import type { NetvizStore } from '../../../src/store';
import { SCENARIO_OPTIONS, ScenarioPicker } from '../../../src/view/scenario/ScenarioPicker';
import { renderWithStore } from '../request/renderWithStore';

function stepKinds(store: NetvizStore): string[] {
  return store.getState().trace?.steps.map((s) => s.kind) ?? [];
}

function setup() {
  const r = renderWithStore(<ScenarioPicker />);
  return { ...r, select: screen.getByRole('combobox', { name: 'Scenario' }) };
}

describe('ScenarioPicker', () => {
  it('keeps its static list in step with the built-in scenarios of load.ts', () => {
    expect(SCENARIO_OPTIONS.map((o) => o.id)).toEqual(scenarios.map((s) => s.id));
    expect(SCENARIO_OPTIONS.map((o) => o.title)).toEqual(scenarios.map((s) => s.title));
    for (const o of SCENARIO_OPTIONS) expect(loadScenario(o.id).name).toBe(o.clusterName);
  });

  it('lists every scenario by its short label, with the full title as tooltip', () => {
    const { select } = setup();
    // The guided tour's entry comes first, in a group of its own (tests/view/present covers it).
    const options = within(select)
      .getAllByRole('option')
      .filter((o) => !o.getAttribute('value')?.startsWith('tour:'));
    // Grouped under the seed's headings (optgroups), so compare as sets.
    expect(options.map((o) => o.getAttribute('value')).sort()).toEqual(scenarios.map((s) => s.id).sort());
    for (const o of options) {
      expect(o.getAttribute('title')).toBe(scenarios.find((s) => s.id === o.getAttribute('value'))?.title);
      expect(o.parentElement?.tagName).toBe('OPTGROUP');
    }
    for (const o of options) expect(o.textContent?.length).toBeLessThan(15);
  });

  it('marks the current scenario (the seed cluster at first)', () => {
    const { select } = setup();
    expect(select).toHaveValue('default');
    expect(within(select).getByRole('option', { name: 'Default' })).toHaveProperty('selected', true);
  });

  it('loads network-policy into the store: the trace gains a policy step, the request still traces', async () => {
    const { select, store, user } = setup();
    expect(stepKinds(store)).not.toContain('policy');
    await user.selectOptions(select, 'network-policy');
    await waitFor(() => expect(store.getState().cluster.name).toBe('network-policy'));
    const s = store.getState();
    expect(s.traceError).toBeNull();
    expect(s.request.from).toEqual({ kind: 'pod', namespace: 'default', name: 'client' });
    expect(s.request.to).toBe('web-svc');
    expect(stepKinds(store)).toContain('policy');
    expect(select).toHaveValue('network-policy');
  });

  it('replaces the whole request: a port from the previous scenario does not stick', async () => {
    const { select, store, user } = setup();
    await user.selectOptions(select, 'policy-deny');
    await waitFor(() => expect(store.getState().request.port).toBe(8080));
    expect(store.getState().trace?.outcome.status).toBe('dropped');
    await user.selectOptions(select, 'network-policy');
    await waitFor(() => expect(select).toHaveValue('network-policy'));
    expect(store.getState().request.port).toBeUndefined();
    expect(store.getState().trace?.outcome).toEqual({ status: 'delivered' });
    // It opens on the policy decision: the web pod's ingress check.
    const s = store.getState();
    expect(s.trace?.steps[s.cursor]?.policy).toMatchObject({ direction: 'ingress', allowed: true });
  });

  it('loads vxlan: the trace encapsulates between the nodes', async () => {
    const { select, store, user } = setup();
    await user.selectOptions(select, 'vxlan');
    await waitFor(() => expect(store.getState().cluster.name).toBe('seed-vxlan'));
    expect(store.getState().traceError).toBeNull();
    expect(stepKinds(store)).toContain('encapsulate');
    expect(select).toHaveValue('vxlan');
  });

  it('every scenario keeps the default request tracing', async () => {
    const { select, store, user } = setup();
    for (const { id } of scenarios) {
      await user.selectOptions(select, id);
      await waitFor(() => expect(select).toHaveValue(id));
      await waitFor(() => expect(screen.getByRole('status')).toBeEmptyDOMElement());
      const s = store.getState();
      expect(s.cluster).toEqual(loadScenario(id));
      expect(s.traceError).toBeNull();
      expect(s.trace?.steps.length).toBeGreaterThan(0);
    }
    // Back to the seed cluster: no policy, no encapsulation.
    expect(stepKinds(store)).not.toContain('encapsulate');
  });

  it('says "Loading…" while the scenario loads, then the chosen one is current', async () => {
    const { select, store } = setup();
    fireEvent.change(select, { target: { value: 'bgp' } });
    // The scenario module is imported asynchronously, so the change has rendered before it arrives.
    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    expect(select).toHaveAttribute('aria-busy', 'true');
    await waitFor(() => expect(screen.getByRole('status')).toBeEmptyDOMElement());
    expect(store.getState().cluster.name).toBe('seed-bgp');
    expect(select).toHaveValue('bgp');
    expect(select).toHaveAttribute('aria-busy', 'false');
  });

  it('shows a failure inline and keeps the current cluster', async () => {
    const { select, store, user } = setup();
    const before = store.getState().cluster;
    const setCluster = vi.spyOn(store.getState(), 'setCluster').mockImplementation(() => {
      throw new Error('boom');
    });
    await user.selectOptions(select, 'bgp');
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the BGP scenario: boom');
    expect(store.getState().cluster).toBe(before);
    expect(select).toHaveValue('default');
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
    setCluster.mockRestore();
  });

  it('names a cluster that is no built-in scenario', () => {
    const cluster = { ...loadScenario('default'), name: 'imported' };
    renderWithStore(<ScenarioPicker />, cluster);
    const select = screen.getByRole('combobox', { name: 'Scenario' });
    expect(select).toHaveValue('');
    expect(within(select).getByRole('option', { name: 'imported' })).toBeDisabled();
  });
});
