import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/scenarios/load';
import type { NetvizStore } from '../../../src/store';
import { App } from '../../../src/view/App';
import { NetvizProvider, useNetvizStore } from '../../../src/view/NetvizContext';
import { Topology } from '../../../src/view/topology/Topology';
import { seedCluster } from '../../fixtures/seedCluster';

describe('VXLAN tunnel endpoints on the topology', () => {
  it('draws flannel.1 with its VTEP address, VNI and MTU on every node in the vxlan mode', () => {
    render(<App cluster={loadScenario('vxlan')} />);
    const topology = screen.getByRole('group', { name: 'Cluster topology' });
    const t = within(topology);
    expect(
      t.getByRole('img', {
        name: 'VXLAN device flannel.1 on node-1: VTEP 10.0.1.0, VNI 1, MTU 1450, UDP port 8472',
      }),
    ).toHaveTextContent('flannel.1 · VNI 1 · MTU 1450');
    expect(
      t.getByRole('img', {
        name: 'VXLAN device flannel.1 on node-2: VTEP 10.0.2.0, VNI 1, MTU 1450, UDP port 8472',
      }),
    ).toBeInTheDocument();
  });

  it('draws no VTEP when the nodes route pod subnets (gateway-routes, bgp)', () => {
    expect(seedCluster.network.cniMode).toBe('gateway-routes');
    const { unmount } = render(<App cluster={seedCluster} />);
    const topology = screen.getByRole('group', { name: 'Cluster topology' });
    expect(within(topology).queryByRole('img', { name: /VXLAN device/ })).toBeNull();
    expect(topology.querySelector('.vtep')).toBeNull();
    unmount();
    render(<App cluster={loadScenario('bgp')} />);
    expect(document.querySelector('.vtep')).toBeNull();
  });
});

describe('the packet while encapsulated', () => {
  it('shows the outer header over the inner one and lights the VTEP that wraps it', async () => {
    const holder: { store?: NetvizStore } = {};
    function Capture() {
      holder.store = useNetvizStore();
      return null;
    }
    render(
      <NetvizProvider cluster={loadScenario('vxlan')}>
        <Capture />
        <Topology />
      </NetvizProvider>,
    );
    const store = holder.store;
    if (!store) throw new Error('no store');
    await waitFor(() => expect(store.getState().trace).not.toBeNull());
    const glyph = await waitFor(() => {
      const g = document.querySelector('.packet-glyph');
      if (!g) throw new Error('no glyph yet');
      return g;
    });
    const steps = store.getState().trace?.steps ?? [];
    const encap = steps.findIndex((s) => s.phase === 'request' && s.kind === 'encapsulate');
    expect(encap).toBeGreaterThan(0);
    act(() => store.getState().goTo(encap));
    expect(glyph.querySelector('.pa-label')).toHaveTextContent('outer UDP dst 10.100.0.3:8472');
    expect(glyph.querySelector('.pa-inner')).toHaveTextContent('inner dst 10.0.2.2:8080');
    expect(glyph.querySelector('.pa-tag-text')).toHaveTextContent('VXLAN encap');
    expect(document.querySelector('.vtep[data-node="node-1"]')).toHaveClass('is-active');
    expect(document.querySelector('.vtep[data-node="node-2"]')).not.toHaveClass('is-active');
    // Unwrapped on node-2: a plain pod packet again, node-2's VTEP lit.
    act(() => store.getState().goTo(encap + 4));
    expect(steps[encap + 4]?.kind).toBe('decapsulate');
    expect(glyph.querySelector('.pa-label')).toHaveTextContent('dst 10.0.2.2:8080');
    expect(glyph.querySelector('.pa-inner')).toHaveTextContent('');
    expect(document.querySelector('.vtep[data-node="node-2"]')).toHaveClass('is-active');
  });
});
