import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { defaultCluster } from '../../../src/scenarios';
import RegistrationPanel from '../../../src/view/registration/RegistrationPanel';
import { rememberBuiltin } from '../../../src/view/share/scenarioOf';
import { renderWithStore } from '../request/renderWithStore';

// The seed cluster as the app loads it (its EndpointSlices named by the same resolver the engine uses).
const cluster = defaultCluster();

function setup(c = cluster) {
  const r = renderWithStore(<RegistrationPanel />, c);
  const caption = () => screen.getByTestId('reg-caption');
  const counter = () => screen.getByText(/^Step \d+ of \d+$/).textContent;
  const actor = () => caption().querySelector('.reg-actor')?.textContent;
  const stage = () =>
    screen.getByRole('list', { name: 'The eight stages' }).querySelector('[aria-current="step"]')
      ?.textContent;
  // fireEvent, not userEvent: a walk through 14 steps stays well inside the test timeout on a busy machine.
  const next = () => Promise.resolve(fireEvent.click(screen.getByText('Next ▶')));
  const toLast = async () => {
    const n = Number(/of (\d+)/.exec(counter() ?? '')?.[1]);
    for (let i = 1; i < n; i++) await next();
  };
  return { ...r, caption, counter, actor, stage, next, toLast };
}

describe('Service registration panel', () => {
  it('opens on the first step of registering a new Service for the web pods', () => {
    const { caption, counter, actor, stage } = setup();
    expect(screen.getByRole('tab', { name: 'New Service' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue('web-internal');
    expect(screen.getByRole('combobox', { name: 'Selector' })).toHaveValue('app=web');
    expect(caption()).toHaveTextContent('You POST the new Service default/web-internal to the API server');
    expect(counter()).toBe('Step 1 of 14');
    expect(actor()).toBe('kubectl');
    expect(stage()).toBe('1 POST');
    expect(screen.getByRole('button', { name: '◀ Back' })).toBeDisabled();
    const posted = within(screen.getByRole('region', { name: 'The Service you POST' })).getByText(
      /kind: Service/,
    );
    expect(posted.textContent).toContain('targetPort: http');
    const diagram = screen.getByRole('img', { name: /Sequence of 14 steps/ });
    for (const lane of ['kubectl', 'API server', 'etcd', 'EndpointSlice', 'CoreDNS']) {
      expect(within(diagram).getByText(lane)).toBeInTheDocument();
    }
    expect(within(diagram).getAllByText('kube-proxy')).toHaveLength(2);
  });

  it('Next walks the steps in order, through the eight stages, with the right actors', async () => {
    const { next, actor, stage, counter } = setup();
    const actors: (string | null | undefined)[] = [actor()];
    const stages: (string | null | undefined)[] = [stage()];
    for (let i = 1; i < 14; i++) {
      await next();
      actors.push(actor());
      stages.push(stage());
    }
    expect(counter()).toBe('Step 14 of 14');
    expect(screen.getByRole('button', { name: 'Next ▶' })).toBeDisabled();
    expect(actors).toEqual([
      'kubectl',
      'kube-apiserver',
      'kube-apiserver',
      'kube-apiserver',
      'kube-apiserver',
      'kube-apiserver',
      'kube-apiserver',
      'etcd',
      'kube-apiserver',
      'coredns',
      'endpointslice-controller',
      'etcd',
      'kube-proxy · node-1',
      'kube-proxy · node-2',
    ]);
    // Validating admission runs after the allocation: the Admission stage comes back once.
    expect(stages.map((s) => Number(s?.charAt(0)))).toEqual([1, 2, 3, 4, 5, 5, 4, 5, 5, 6, 7, 7, 8, 8]);
  }, 20_000);

  it('shows the ClusterIP, the DNS records and the EndpointSlice each step produces', async () => {
    const { next, caption } = setup();
    for (let i = 0; i < 4; i++) await next();
    const allocated = within(screen.getByRole('region', { name: 'Allocated' })).getByText(
      /^10\.3\./,
    ).textContent;
    expect(caption()).toHaveTextContent(`allocates ClusterIP ${allocated ?? ''} from the Service range`);
    for (let i = 4; i < 9; i++) await next();
    expect(
      within(screen.getByRole('region', { name: 'So far' })).getByText(allocated ?? ''),
    ).toBeInTheDocument();
    const dns = screen.getByRole('region', { name: 'DNS records served by CoreDNS' });
    expect(within(dns).getByText(allocated ?? '')).toBeInTheDocument();
    expect(within(dns).getByText('_http._tcp.web-internal.default.svc.cluster.local.')).toBeInTheDocument();
    await next();
    const slices = screen.getByRole('region', { name: 'EndpointSlices of default/web-internal' });
    expect(within(slices).getByText('no EndpointSlice')).toBeInTheDocument();
    expect(within(slices).getAllByText('✓ ready')).toHaveLength(2);
    expect(within(slices).getByText('10.0.2.2')).toBeInTheDocument();
  });

  it("kube-proxy's iptables diff adds the Service's new KUBE-SVC chain on each node; the mode switch changes it", async () => {
    const { next, store, caption } = setup();
    for (let i = 0; i < 12; i++) await next();
    expect(caption()).toHaveTextContent('kube-proxy on node-1 (iptables mode)');
    const diff = screen.getByRole('region', { name: 'Rule diff on node-1' });
    const added = within(diff)
      .getAllByLabelText('added')
      .map((sign) => sign.nextElementSibling?.textContent ?? '');
    const chain = added.map((l) => /^:(KUBE-SVC-[A-Z2-7]{16}) - \[0:0\]$/.exec(l)?.[1]).find(Boolean);
    expect(chain).toMatch(/^KUBE-SVC-/);
    expect(
      added.some((l) => l.startsWith('-A KUBE-SERVICES -d 10.3.') && l.endsWith(`-j ${chain ?? ''}`)),
    ).toBe(true);
    expect(within(diff).queryAllByLabelText('removed')).toHaveLength(0);
    await next();
    expect(screen.getByRole('region', { name: 'Rule diff on node-2' })).toHaveTextContent(chain ?? '');

    fireEvent.click(
      within(screen.getByRole('radiogroup', { name: 'kube-proxy mode' })).getByLabelText('ipvs'),
    );
    expect(store.getState().mode).toBe('ipvs');
    const ipvs = screen.getByRole('region', { name: 'Rule diff on node-2' });
    expect(within(ipvs).getByRole('group', { name: 'ipvsadm -Ln diff' })).toHaveTextContent(
      /TCP\s+10\.3\.[\d.]+:80 rr/,
    );
    expect(caption()).toHaveTextContent('kube-proxy on node-2 (ipvs mode)');
  });

  it('Pod readiness: server-2 turning NotReady removes its endpoint rules on every node', async () => {
    const { user, toLast, caption, actor, counter } = setup();
    await user.click(screen.getByRole('tab', { name: 'Pod readiness' }));
    expect(screen.getByRole('combobox', { name: 'Pod behind a Service' })).toHaveValue('default/server-2');
    expect(actor()).toBe('kubelet · node-2');
    expect(caption()).toHaveTextContent('The readiness probe of server-2 fails');
    expect(counter()).toBe('Step 1 of 11');
    await user.click(screen.getByRole('button', { name: 'Next ▶' }));
    await user.click(screen.getByRole('button', { name: 'Next ▶' }));
    await toLast();
    expect(actor()).toBe('kube-proxy · node-2');
    const diff = screen.getByRole('region', { name: 'Rule diff on node-2' });
    const removed = within(diff)
      .getAllByLabelText('removed')
      .map((sign) => sign.nextElementSibling?.textContent ?? '');
    expect(
      removed.some((l) => /^-A KUBE-SEP-\w+ -p tcp .*-j DNAT --to-destination 10\.0\.2\.2:8080$/.test(l)),
    ).toBe(true);

    // The endpoint stays in the slice, not ready.
    await user.click(screen.getByRole('button', { name: /EndpointSlice$/ }));
    const slices = screen.getByRole('region', { name: 'EndpointSlices of default/web-svc' });
    expect(within(slices).getByText('✕ not ready')).toBeInTheDocument();
  });

  it('Pod readiness: a probe that passes on a Ready pod changes nothing', async () => {
    const { user, counter, caption } = setup();
    await user.click(screen.getByRole('tab', { name: 'Pod readiness' }));
    await user.click(screen.getByRole('button', { name: 'Probe passes → Ready' }));
    expect(counter()).toBe('Step 1 of 1');
    expect(caption()).toHaveTextContent('server-2 is already Ready: the kubelet has nothing to report');
  });

  it('shows the API server refusing a name that is taken, and one that is not a DNS-1035 label', async () => {
    const { user, toLast, caption } = setup();
    const name = screen.getByRole('textbox', { name: 'Name' });
    await user.clear(name);
    await user.type(name, 'web-svc');
    await user.click(screen.getByRole('button', { name: 'Register' }));
    expect(screen.getByText(/^Rejected at step 8:/)).toBeInTheDocument();
    expect(
      screen.getByText('Error from server (AlreadyExists): services "web-svc" already exists'),
    ).toBeInTheDocument();
    await toLast();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Error from server (AlreadyExists): services "web-svc" already exists',
    );
    expect(caption()).toHaveTextContent('The write to etcd fails');

    await user.clear(name);
    await user.type(name, '1api');
    await user.click(screen.getByRole('button', { name: 'Register' }));
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByRole('alert')).toHaveTextContent(
      'The Service "1api" is invalid: metadata.name: Invalid value: "1api": a DNS-1035 label must consist of',
    );
  });

  it('refuses a port that is not a number before anything is sent', async () => {
    const { user, counter } = setup();
    const port = screen.getByRole('textbox', { name: 'Port' });
    await user.clear(port);
    await user.type(port, 'http');
    await user.click(screen.getByRole('button', { name: 'Register' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Port must be a number, not "http"');
    expect(counter()).toBe('Step 1 of 14');
    expect(screen.getByTestId('reg-caption')).toHaveTextContent('default/web-internal');
  });

  it('steps with ←/→ anywhere in the panel except while typing', () => {
    const { counter } = setup();
    const tabs = screen.getByRole('tablist');
    const root = tabs.closest('.reg') as HTMLElement;
    fireEvent.keyDown(root, { key: 'ArrowRight' });
    fireEvent.keyDown(root, { key: 'ArrowRight' });
    expect(counter()).toBe('Step 3 of 14');
    fireEvent.keyDown(root, { key: 'ArrowLeft' });
    expect(counter()).toBe('Step 2 of 14');
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Name' }), { key: 'ArrowRight' });
    expect(counter()).toBe('Step 2 of 14');
  });

  it('applies the registered Service to the cluster', async () => {
    const { user, store } = setup();
    await user.click(screen.getByRole('button', { name: 'Apply to the cluster' }));
    expect(store.getState().cluster.services.map((s) => s.name)).toContain('web-internal');
    expect(screen.getByRole('button', { name: 'Applied ✓' })).toBeDisabled();
  });

  it('opens on the readiness tab for the readiness scenario', () => {
    const copy = { ...cluster };
    rememberBuiltin(copy, 'readiness');
    setup(copy);
    expect(screen.getByRole('tab', { name: 'Pod readiness' })).toHaveAttribute('aria-selected', 'true');
  });
});
