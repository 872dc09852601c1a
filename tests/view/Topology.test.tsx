import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { zoomTransform } from 'd3-zoom';
import { describe, expect, it, vi } from 'vitest';
import { layoutCluster } from '../../src/layout';
import { App } from '../../src/view/App';
import { fitTransform, transformAttribute, zoomedBy } from '../../src/view/d3/fit';
import { seedCluster } from '../fixtures/seedCluster';

function renderSeed() {
  const user = userEvent.setup();
  render(<App cluster={seedCluster} />);
  const topology = screen.getByRole('group', { name: 'Cluster topology' });
  return { user, topology };
}

describe('Topology', () => {
  it('draws every node, bridge, veth pair, pod, route and ClusterIP of the seed cluster', () => {
    const { topology } = renderSeed();
    const t = within(topology);
    expect(t.getByRole('button', { name: 'Router router, 10.100.0.1' })).toBeInTheDocument();
    expect(t.getByRole('button', { name: 'Node node-1, eth0 10.100.0.2' })).toBeInTheDocument();
    expect(t.getByRole('button', { name: 'Node node-2, eth0 10.100.0.3' })).toBeInTheDocument();
    expect(t.getByRole('button', { name: 'Bridge cbr0 on node-1, 10.0.1.1' })).toBeInTheDocument();
    expect(t.getByRole('button', { name: 'Bridge cbr0 on node-2, 10.0.2.1' })).toBeInTheDocument();
    expect(t.getByRole('button', { name: 'kube-proxy on node-1' })).toBeInTheDocument();
    expect(t.getByRole('button', { name: 'kube-proxy on node-2' })).toBeInTheDocument();
    for (const [name, ip] of [
      ['default/server-1', '10.0.1.2'],
      ['default/client', '10.0.1.3'],
      ['default/server-2', '10.0.2.2'],
      ['kube-system/coredns-7c65d6cfc9-x2kbq', '10.0.2.3'],
    ] as const) {
      expect(t.getByRole('button', { name: `Pod ${name}, ${ip}` })).toBeInTheDocument();
      expect(t.getByRole('button', { name: `veth pair of ${name}` })).toBeInTheDocument();
      expect(t.getByText(`eth0 ${ip}`)).toBeInTheDocument();
    }
    for (const veth of ['veth1a2b3c4d', 'veth5e6f7a8b', 'veth9c0d1e2f', 'veth3a4b5c6d']) {
      expect(t.getByText(veth)).toBeInTheDocument();
    }
    expect(
      t.getByRole('button', { name: 'Service default/web-svc, ClusterIP 10.3.241.152' }),
    ).toBeInTheDocument();
    expect(
      t.getByRole('button', { name: 'Service kube-system/kube-dns, ClusterIP 10.3.240.10' }),
    ).toBeInTheDocument();
    expect(t.getByRole('button', { name: 'Service network 10.3.240.0/20' })).toHaveTextContent(
      'service network 10.3.240.0/20 — no route: nothing in any route table points here',
    );
    const router = t.getByRole('button', { name: 'Router router, 10.100.0.1' });
    for (const text of ['10.0.1.0/24', '10.100.0.2', '10.0.2.0/24', '10.100.0.3']) {
      expect(within(router).getByText(text)).toBeInTheDocument();
    }
    expect(t.getByText('cbr0 10.0.1.1')).toBeInTheDocument();
    expect(t.getByText('podCIDR 10.0.2.0/24')).toBeInTheDocument();
    expect(t.getAllByText('pause')).toHaveLength(4);
  });

  it('shows a pod’s resolv.conf, hosts file and routing table when it is clicked', async () => {
    const { user, topology } = renderSeed();
    const pod = within(topology).getByRole('button', { name: 'Pod default/client, 10.0.1.3' });
    await user.click(pod);
    expect(pod).toHaveAttribute('aria-pressed', 'true');
    const details = await screen.findByRole('complementary', { name: 'Details' }, { timeout: 10_000 });
    expect(within(details).getByRole('heading', { level: 2 })).toHaveTextContent('Pod default/client');
    const resolv = within(details).getByLabelText('/etc/resolv.conf');
    expect(resolv.tagName).toBe('PRE');
    expect(resolv.textContent).toContain('nameserver 10.3.240.10');
    expect(resolv.textContent).toContain('search default.svc.cluster.local svc.cluster.local cluster.local');
    expect(resolv.textContent).toContain('options ndots:5');
    expect(within(details).getByLabelText('/etc/hosts').textContent).toContain('10.0.1.3\tclient');
    const table = within(details).getByRole('table', { name: 'Routing table' });
    expect(within(table).getByText('default')).toBeInTheDocument();
    expect(within(table).getByText('10.0.1.1')).toBeInTheDocument();
  });

  it('selects with the keyboard and clears with Escape', async () => {
    const { user, topology } = renderSeed();
    const node = within(topology).getByRole('button', { name: 'Node node-2, eth0 10.100.0.3' });
    expect(node).toHaveAttribute('tabindex', '0');
    node.focus();
    await user.keyboard('{Enter}');
    expect(node).toHaveAttribute('aria-pressed', 'true');
    const details = await screen.findByRole('complementary', { name: 'Details' }, { timeout: 10_000 });
    expect(within(details).getByRole('heading', { level: 2 })).toHaveTextContent('Node node-2');
    expect(within(details).getByRole('table', { name: 'Routing table' })).toHaveTextContent('10.0.2.0/24');

    const svc = within(topology).getByRole('button', { name: /^Service default\/web-svc/ });
    svc.focus();
    await user.keyboard(' ');
    expect(svc).toHaveAttribute('aria-pressed', 'true');
    expect(node).toHaveAttribute('aria-pressed', 'false');
    expect(within(details).getByRole('heading', { level: 2 })).toHaveTextContent('Service default/web-svc');
    const endpoints = within(details).getByRole('table', { name: /Endpoints/ });
    expect(endpoints).toHaveTextContent('10.0.1.2');
    expect(endpoints).toHaveTextContent('10.0.2.2');

    await user.keyboard('{Escape}');
    expect(svc).toHaveAttribute('aria-pressed', 'false');
    expect(within(details).getByRole('heading', { level: 2 })).toHaveTextContent('Nothing selected');
  });

  it('shows the router, bridge, veth and service network details', async () => {
    const { user, topology } = renderSeed();
    // Details is a side-panel tab that opens on the first selection.
    await user.click(within(topology).getByRole('button', { name: 'Router router, 10.100.0.1' }));
    const details = await screen.findByRole('complementary', { name: 'Details' }, { timeout: 10_000 });
    expect(within(details).getByRole('table', { name: 'Routing table' })).toHaveTextContent('10.0.2.0/24');
    await user.click(within(topology).getByRole('button', { name: 'veth pair of default/server-1' }));
    expect(details).toHaveTextContent('veth1a2b3c4d');
    expect(details).toHaveTextContent('cbr0 on node-1');
    await user.click(within(topology).getByRole('button', { name: 'Service network 10.3.240.0/20' }));
    expect(details).toHaveTextContent('no route');
    await user.click(within(topology).getByRole('button', { name: 'kube-proxy on node-1' }));
    expect(details).toHaveTextContent('iptables');
  });

  it('has zoom buttons that do not crash without SVG geometry', async () => {
    const { user } = renderSeed();
    await user.click(screen.getByRole('button', { name: 'Zoom in' }));
    await user.click(screen.getByRole('button', { name: 'Zoom out' }));
    await user.click(screen.getByRole('button', { name: 'Fit to screen' }));
    expect(screen.getByRole('group', { name: 'Cluster topology' })).toBeInTheDocument();
  });

  it('fits the first picture and zooms before d3-zoom has loaded, which then goes on from there', async () => {
    // jsdom has no layout: give the topology's SVG a size.
    const size = { width: 800, height: 600 };
    const original = Element.prototype.getBoundingClientRect;
    const spy = vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (
      this: Element,
    ) {
      return this.matches('svg.topology-svg')
        ? new DOMRect(0, 0, size.width, size.height)
        : original.call(this);
    });
    try {
      const { topology } = renderSeed();
      const viewport = topology.querySelector(':scope > g');
      const layout = layoutCluster(seedCluster);
      const fitted = fitTransform(size, { contentWidth: layout.width, contentHeight: layout.height });
      // Synchronously after the first render: the controller's import has not resolved yet.
      expect(viewport).toHaveAttribute('transform', transformAttribute(fitted));
      fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
      const zoomed = zoomedBy(fitted, 1.3, size);
      expect(viewport).toHaveAttribute('transform', transformAttribute(zoomed));
      // d3-zoom arrives and starts from the transform on screen: no jump.
      await waitFor(() => expect(zoomTransform(topology as Element).k).toBeCloseTo(zoomed.k));
      expect(zoomTransform(topology as Element).x).toBeCloseTo(zoomed.x);
      expect(zoomTransform(topology as Element).y).toBeCloseTo(zoomed.y);
      expect(viewport).toHaveAttribute('transform', transformAttribute(zoomed));
    } finally {
      spy.mockRestore();
    }
  });
});
