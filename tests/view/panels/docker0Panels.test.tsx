import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ScaleFigure } from '../../../src/engine/scale';
import { loadScenario } from '../../../src/scenarios/load';
import { CNI_PLUGINS, FEATURES } from '../../../src/view/panels/plugins/cniPlugins';
import IpamPanel from '../../../src/view/panels/ipam/IpamPanel';
import PluginsPanel from '../../../src/view/panels/plugins/PluginsPanel';
import { PANELS } from '../../../src/view/panels/registry';
import { ScaleView } from '../../../src/view/panels/scale/ScalePanel';
import { DetailsPanel } from '../../../src/view/details/DetailsPanel';
import { renderWithStore } from '../request/renderWithStore';

describe('IPAM panel', () => {
  it("shows each node's podCIDR, gateway, the pods' addresses and the free count, and the ClusterIP bands", () => {
    renderWithStore(<IpamPanel />, loadScenario('default'));
    const node1 = screen.getByRole('region', { name: /node-1/ });
    expect(within(node1).getByText('Gateway:').parentElement).toHaveTextContent('cbr0 10.0.1.1');
    const rows = within(node1)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    expect(rows).toEqual([
      '10.0.1.1bridge cbr0 (gateway)',
      '10.0.1.2default/server-1',
      '10.0.1.3default/client',
    ]);
    expect(node1).toHaveTextContent('3 used · 251 free of 254');
    const services = screen.getByRole('region', { name: /Service CIDR/ });
    expect(services).toHaveTextContent('Static band 10.3.240.1 – 10.3.241.0 · 256 addresses');
    expect(services).toHaveTextContent('10.3.241.152default/web-svc');
    expect(screen.queryByText(/also on/)).toBeNull();
  });

  it("with Docker's default bridge, flags the addresses held on both nodes and names the other node", () => {
    renderWithStore(<IpamPanel />, loadScenario('docker0'));
    expect(screen.getByText(/Docker's default bridge:/).parentElement).toHaveTextContent(
      '172.17.0.2, 172.17.0.3 are held on more than one node',
    );
    const node1 = screen.getByRole('region', { name: /node-1/ });
    expect(within(node1).getByRole('row', { name: /172\.17\.0\.2/ })).toHaveTextContent(
      'default/server-1also on node-2',
    );
    const node2 = screen.getByRole('region', { name: /node-2/ });
    expect(within(node2).getByRole('row', { name: /172\.17\.0\.4/ })).not.toHaveTextContent('also on');
  });

  it("opens from a node's details", async () => {
    const { store, user } = renderWithStore(<DetailsPanel />);
    store.getState().select('node:node-1');
    await user.click(await screen.findByRole('button', { name: /IPAM/ }));
    expect(store.getState().panel).toBe('ipam');
    expect(PANELS.ipam).toBeDefined();
  });
});

describe('CNI plugins panel', () => {
  it("has the seed's seven plugins, each cell the seed's answer with its source", () => {
    renderWithStore(<PluginsPanel />);
    const table = screen.getByRole('table');
    const header = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(header).toEqual([
      'Plugin',
      'VXLAN',
      'Layer 2',
      'Layer 3',
      'Network policy',
      'Encryption',
      'Dataplane in kube-netviz',
    ]);
    const names = within(table)
      .getAllByRole('rowheader')
      .map((h) => h.textContent);
    expect(names).toEqual([
      'Calico',
      'Canal',
      'Flannel',
      'Weave Net',
      'Romana',
      'Kube-router',
      'Kopeio-networking',
    ]);
    const romana = within(table).getByRole('rowheader', { name: 'Romana' }).closest('tr') as HTMLElement;
    const cells = within(romana).getAllByRole('cell');
    expect(cells.slice(0, 5).map((c) => c.textContent?.startsWith('✓yes'))).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(cells[2]).toHaveAttribute(
      'title',
      'Seed, “Which are layer 3?”: Project Calico, Romana, Kube Router',
    );
  });

  it("every tick matches the seed's answer text for that column", () => {
    for (const f of FEATURES) {
      for (const p of CNI_PLUGINS) {
        const first = p.name.split(/[- ]/)[0] ?? p.name;
        // Kube-router is "Kube Router" in the seed.
        expect(f.answer.includes(first), `${p.name} / ${f.label}`).toBe(p.features.has(f.id));
      }
    }
  });

  it("asking one of the seed's questions keeps the plugins it names", async () => {
    const { user } = renderWithStore(<PluginsPanel />);
    await user.click(screen.getByRole('button', { name: 'Which can encrypt all TCP and UDP traffic?' }));
    expect(screen.getByRole('status')).toHaveTextContent('Project Calico, Kopeio, Weave Net');
    expect(
      within(screen.getByRole('table'))
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['Calico', 'Weave Net', 'Kopeio-networking']);
  });

  it("a row opens its dataplane's scenario the way the picker does (cluster, request, panel closed)", async () => {
    const { store, user } = renderWithStore(<PluginsPanel />);
    store.getState().openPanel('plugins');
    await user.click(screen.getByRole('button', { name: 'Open the VXLAN scenario for Flannel' }));
    await waitFor(() => expect(store.getState().cluster.name).toBe('seed-vxlan'));
    expect(store.getState().panel).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Open the BGP scenario for Kube-router' }));
    await waitFor(() => expect(store.getState().cluster.name).toBe('seed-bgp'));
  });
});

describe('scale panel', () => {
  const figures: ScaleFigure[] = [10, 100].flatMap((services) =>
    (['userspace', 'iptables', 'ipvs', 'nftables'] as const).map((mode) => ({
      services,
      mode,
      rulesetLines: services * (mode === 'nftables' ? 12 : 6),
      walkedAtTrap: mode === 'ipvs' || mode === 'nftables' ? 7 : services,
      walkedTotal: mode === 'ipvs' || mode === 'nftables' ? 12 : services * 2,
    })),
  );

  it('draws one line per mode and lists every figure in the table', () => {
    const { container } = renderWithStore(<ScaleView progress={{ figures, total: 16, done: false }} />);
    expect(screen.getByRole('status')).toHaveTextContent('Computing 1,000 Services · userspace (8 of 16)');
    expect(container.querySelectorAll('.nv-series')).toHaveLength(8);
    // Two charts, two counts each.
    expect([...container.querySelectorAll('.nv-series[data-mode="iptables"] .nv-marker')]).toHaveLength(4);
    const table = screen.getByRole('table');
    const row = within(table).getByRole('row', { name: /^100\b/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['600 / 200 (100)', '600 / 200 (100)', '600 / 12 (7)', '1,200 / 12 (7)']);
    expect(screen.getByRole('img', { name: /Rules walked to reach the last Service/ })).toHaveAccessibleName(
      /iptables 200 at 100 Services/,
    );
  });

  it('says when it is done, and shows an error instead of hanging', () => {
    const { rerender } = renderWithStore(<ScaleView progress={{ figures, total: 8, done: true }} />);
    expect(screen.getByRole('status')).toHaveTextContent('8 of 8 measurements.');
    rerender(<ScaleView progress={{ figures: [], total: 16, done: true, error: 'out of memory' }} />);
    expect(screen.getByRole('status')).toHaveTextContent('Stopped: out of memory');
  });
});
