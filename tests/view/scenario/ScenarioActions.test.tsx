import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { scenarioMeta } from '../../../src/scenarios/catalog';
import { loadScenario } from '../../../src/scenarios/load';
import { patchService } from '../../../src/scenarios/patchService';
import type { NetvizStore } from '../../../src/store';
import { ScenarioPicker } from '../../../src/view/scenario/ScenarioPicker';
import { renderWithStore } from '../request/renderWithStore';

function requestDelivery(store: NetvizStore) {
  return store.getState().trace?.steps.find((s) => s.phase === 'request' && s.kind === 'deliver');
}

describe('scenario actions: kubectl patch externalTrafficPolicy', () => {
  it('patches the Service through the reader and resolveCluster, keeping every other object', () => {
    const before = loadScenario('etp-cluster');
    const result = patchService(before, 'default/web', { externalTrafficPolicy: 'Local' });
    if (!result.ok) throw new Error(result.error);
    const web = result.cluster.services.find((s) => s.name === 'web');
    expect(web?.externalTrafficPolicy).toBe('Local');
    expect(web?.ports).toEqual(before.services.find((s) => s.name === 'web')?.ports);
    expect(result.cluster.pods).toEqual(before.pods.map((p) => ({ ...p, source: expect.anything() })));
    expect(patchService(before, 'default/nope', { externalTrafficPolicy: 'Local' })).toEqual({
      ok: false,
      error: 'services "nope" not found in namespace default',
    });
  });

  it('shows the command under the picker; running it re-traces with the client IP kept, and back', async () => {
    const { store, user } = renderWithStore(<ScenarioPicker />);
    const select = screen.getByRole('combobox', { name: 'Scenario' });
    await user.selectOptions(select, 'etp-cluster');
    const strip = await screen.findByRole('group', { name: 'Scenario actions' });
    // Under Cluster the pod sees node-2's address (masqueraded).
    await waitFor(() => expect(requestDelivery(store)?.packet.src).toBe('10.100.0.3'));
    const meta = scenarioMeta('etp-cluster');
    const toLocal = meta?.actions?.[0];
    expect(within(strip).getByText(toLocal?.command ?? '?', { exact: false })).toBeInTheDocument();
    expect(within(strip).queryByRole('button', { name: 'Patch to Cluster' })).toBeNull();

    await user.click(within(strip).getByRole('button', { name: 'Patch to Local' }));
    await waitFor(() => expect(requestDelivery(store)?.packet.src).toBe('203.0.113.7'));
    const s = store.getState();
    expect(s.cluster.services.find((x) => x.name === 'web')?.externalTrafficPolicy).toBe('Local');
    expect(s.trace?.steps.some((x) => x.rewrite?.by === 'MASQUERADE')).toBe(false);
    // The picker still shows the scenario; the cursor is on the delivery to the local pod.
    expect(select).toHaveValue('etp-cluster');
    await waitFor(() => expect(s.trace?.steps[store.getState().cursor]?.kind).toBe('deliver'));
    expect(requestDelivery(store)?.location.node).toBe('node-2');

    await user.click(await screen.findByRole('button', { name: 'Patch to Cluster' }));
    await waitFor(() => expect(requestDelivery(store)?.packet.src).toBe('10.100.0.3'));
    expect(store.getState().trace?.steps[store.getState().cursor]?.rewrite?.by).toBe('MASQUERADE');
  });

  it('opening a failure scenario applies its dead endpoints, and another scenario clears them', async () => {
    const { store, user } = renderWithStore(<ScenarioPicker />);
    const select = screen.getByRole('combobox', { name: 'Scenario' });
    await user.selectOptions(select, 'dead-iptables');
    await waitFor(() => expect(store.getState().deadEndpoints).toEqual(['10.0.1.2:8080']));
    await waitFor(() => expect(store.getState().trace?.outcome.status).toBe('dropped'));
    expect(screen.queryByRole('group', { name: 'Scenario actions' })).toBeNull();
    await user.selectOptions(select, 'nodeport');
    await waitFor(() => expect(store.getState().deadEndpoints).toEqual([]));
  });
});

describe('opening one scenario after another', () => {
  it('does not carry the previous request’s port over (NodePort 30080, then ClientIP affinity)', async () => {
    const { store, user } = renderWithStore(<ScenarioPicker />);
    const select = screen.getByRole('combobox', { name: 'Scenario' });
    await user.selectOptions(select, 'nodeport');
    await waitFor(() => expect(store.getState().request.port).toBe(30080));
    await user.selectOptions(select, 'affinity');
    await waitFor(() => expect(store.getState().request.to).toBe('web-sticky'));
    expect(store.getState().request.port).toBeUndefined();
    await waitFor(() =>
      expect(store.getState().trace?.steps[store.getState().cursor]?.rewrite?.by).toBe('DNAT'),
    );
  });
});
