import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { scenarioMeta } from '../../../src/scenarios/catalog';
import { loadScenario } from '../../../src/scenarios/load';
import { DetailsPanel } from '../../../src/view/details/DetailsPanel';
import { Topology } from '../../../src/view/topology/Topology';
import { renderWithStore } from '../request/renderWithStore';

const cluster = loadScenario('network-policy');
const badge = (policy: string, direction: string, pod: string) =>
  new RegExp(`^NetworkPolicy default/${policy}, ${direction}, enforced at ${pod}'s veth`);

describe('NetworkPolicy badges on the topology', () => {
  it('marks each selected pod with its policies, by direction, and leaves other pods bare', async () => {
    renderWithStore(<Topology />, cluster);
    const topology = within(screen.getByRole('group', { name: 'Cluster topology' }));
    // The badges load on demand (only clusters with policies need them).
    await topology.findByRole('button', { name: badge('client-egress', 'egress', 'client') });
    for (const pod of ['server-1', 'server-2']) {
      expect(topology.getByRole('button', { name: badge('default-deny-web', 'ingress', pod) })).toBeTruthy();
      expect(
        topology.getByRole('button', { name: badge('allow-client-to-web', 'ingress', pod) }),
      ).toBeTruthy();
    }
    expect(
      topology.getByRole('button', { name: badge('client-egress', 'egress', 'client') }),
    ).toHaveTextContent('out client-egress');
    expect(topology.queryAllByRole('button', { name: /^NetworkPolicy .*coredns/ })).toEqual([]);
    // One shield per selected pod, on its veth.
    expect(document.querySelectorAll('.policy-shield')).toHaveLength(3);
  });

  it('lights the deciding badges at a policy step: green for the allowing policy, red for a drop', async () => {
    const { store } = renderWithStore(<Topology />, cluster);
    const topology = within(screen.getByRole('group', { name: 'Cluster topology' }));
    await topology.findByRole('button', { name: badge('client-egress', 'egress', 'client') });
    const state = store.getState();
    const allowAt =
      state.trace?.steps.findIndex((s) => s.kind === 'policy' && s.policy?.direction === 'ingress') ?? -1;
    expect(allowAt).toBeGreaterThan(0);
    act(() => store.getState().goTo(allowAt));
    const pod = store.getState().trace?.steps[allowAt]?.policy?.pod.split('/')[1] ?? '';
    const allowed = topology.getByRole('button', { name: badge('allow-client-to-web', 'ingress', pod) });
    expect(allowed.getAttribute('class')).toContain('is-allow');
    expect(allowed.getAttribute('aria-label')).toContain('allows this packet');
    expect(
      topology.getByRole('button', { name: badge('default-deny-web', 'ingress', pod) }).getAttribute('class'),
    ).not.toContain('is-');

    const deny = scenarioMeta('policy-deny')?.request;
    if (!deny) throw new Error('policy-deny has no request');
    act(() => store.getState().setRequest(deny));
    const last = (store.getState().trace?.steps.length ?? 0) - 1;
    act(() => store.getState().goTo(last));
    for (const policy of ['default-deny-web', 'allow-client-to-web']) {
      const denied = topology.getByRole('button', { name: badge(policy, 'ingress', 'server-2') });
      expect(denied.getAttribute('class')).toContain('is-deny');
    }
    expect(
      topology
        .getByRole('button', { name: badge('default-deny-web', 'ingress', 'server-1') })
        .getAttribute('class'),
    ).not.toContain('is-deny');
  });

  it('clicking a badge shows the policy in Details', async () => {
    const { user } = renderWithStore(
      <>
        <Topology />
        <DetailsPanel />
      </>,
      cluster,
    );
    await user.click(await screen.findByRole('button', { name: badge('client-egress', 'egress', 'client') }));
    const details = within(screen.getByRole('complementary', { name: 'Details' }));
    expect(details.getByRole('heading', { name: 'NetworkPolicy default/client-egress' })).toBeTruthy();
    expect(details.getByText(/veth\w+ on node-1 \(client\)/)).toBeTruthy();
    expect(
      details.getByText(
        /allows to pods k8s-app=kube-dns in namespaces kubernetes.io\/metadata.name=kube-system, on UDP 53 or TCP 53/,
      ),
    ).toBeTruthy();
  });
});
