import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import CniPanel from '../../../src/view/cni/CniPanel';
import { renderWithStore } from '../request/renderWithStore';

function setup() {
  const onClose = vi.fn();
  const r = renderWithStore(
    <div role="dialog" aria-label="CNI">
      <CniPanel onClose={onClose} />
    </div>,
  );
  return { ...r, onClose };
}

const count = () => screen.getByText(/^Step \d+ of \d+$/).textContent ?? '';
const total = () => Number(/of (\d+)/.exec(count())?.[1]);
const where = () => document.querySelector('.cni-where')?.textContent ?? '';
const text = () => document.querySelector('.cni-text')?.textContent ?? '';
const json = () => screen.getByRole('region', { name: 'CNI data' });

/** Every moment's "where" line and caption, from the first to the last, pressing Next. */
function walk(): { where: string; text: string; json: string; marked: string[] }[] {
  const seen = [];
  const next = screen.getByRole('button', { name: 'Next ▶' });
  for (let i = 0; i < total(); i += 1) {
    seen.push({
      where: where(),
      text: text(),
      json: json().textContent ?? '',
      marked: [...json().querySelectorAll('mark')].map((m) => m.getAttribute('data-key') ?? ''),
    });
    if (i < total() - 1) fireEvent.click(next);
  }
  return seen;
}

describe('CniPanel', () => {
  it('opens on a new pod on node-1 with the conflist that chains bridge → portmap → bandwidth', () => {
    setup();
    expect(screen.getByRole('combobox', { name: 'Node' })).toHaveValue('node-1');
    expect(screen.getByRole('textbox', { name: 'New pod default/' })).toHaveValue('new-pod');
    expect(count()).toBe('Step 1 of 26');
    expect(within(json()).getByRole('heading')).toHaveTextContent('/etc/cni/net.d/10-kubenet.conflist');
    const conf = JSON.parse(json().querySelector('pre')?.textContent ?? '{}') as {
      cniVersion: string;
      plugins: { type: string }[];
    };
    expect(conf.cniVersion).toBe('1.1.0');
    expect(conf.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap', 'bandwidth']);
  });

  it('steps through ADD in spec order, drawing the veth pair, the address and the routes as they appear', () => {
    setup();
    const moments = walk();
    const plugins = moments.map((m) => m.where.split(' ')[0]);
    // host-local runs inside bridge (delegation), then portmap, then bandwidth: each plugin once, in order.
    const order = plugins.filter((p, i) => p !== plugins[i - 1] && p !== 'ADD');
    expect(order).toEqual(['bridge', 'host-local', 'bridge', 'portmap', 'bandwidth']);
    const captions = moments.map((m) => m.text);
    const at = (needle: string) => captions.findIndex((c) => c.includes(needle));
    expect(at('creates a veth pair')).toBeGreaterThan(0);
    expect(at('attaches veth')).toBeGreaterThan(at('creates a veth pair'));
    expect(at('picks 10.0.1.4')).toBeGreaterThan(at('attaches veth'));
    expect(at('sets 10.0.1.4/24 on eth0')).toBeGreaterThan(at('picks 10.0.1.4'));
    expect(at('adds the route default via 10.0.1.1 dev eth0')).toBeGreaterThan(at('sets 10.0.1.4/24'));
    // The picture at the end: eth0 with the address, attached veth, the default route.
    const picture = screen.getByTestId('cni-picture');
    expect(picture).toHaveTextContent('eth0 10.0.1.4/24');
    expect(picture).toHaveTextContent('on the bridge, hairpin');
    expect(picture).toHaveTextContent('default via 10.0.1.1 dev eth0');
  });

  it('hands a chained plugin the previous result as prevResult, marked as injected', () => {
    setup();
    const moments = walk();
    const portmap = moments.find((m) => m.where === 'portmap · invoked');
    expect(portmap?.json).toContain('CNI_COMMAND=ADD');
    expect(portmap?.json).toContain('"prevResult"');
    // No hostPort: containerd passes no portMappings, so the runtime injects prevResult only.
    expect(portmap?.marked).toEqual(['prevResult']);
    const bandwidth = moments.find((m) => m.where === 'bandwidth · invoked');
    expect(bandwidth?.marked).toEqual(['prevResult']);
    const bridge = moments.find((m) => m.where === 'bridge · invoked');
    expect(bridge?.json).not.toContain('"prevResult"');
    expect(bridge?.marked).toEqual([]);
  });

  it('ends with the CNI 1.1.0 result holding the pod address', () => {
    setup();
    walk();
    expect(where()).toBe('ADD done');
    const result = JSON.parse(json().querySelector('pre')?.textContent ?? '{}') as {
      cniVersion: string;
      ips: { address: string; gateway: string; interface: number }[];
      interfaces: { name: string; sandbox?: string }[];
    };
    expect(result.cniVersion).toBe('1.1.0');
    expect(result.ips).toEqual([{ address: '10.0.1.4/24', gateway: '10.0.1.1', interface: 2 }]);
    expect(result.interfaces[2]?.name).toBe('eth0');
    expect(result.interfaces[2]?.sandbox).toMatch(/^\/var\/run\/netns\/cni-/);
  });

  it('runs DEL in reverse plugin order and releases the address', () => {
    setup();
    fireEvent.click(screen.getByRole('radio', { name: 'DEL' }));
    const moments = walk();
    const invoked = moments.filter((m) => m.where.endsWith('· invoked')).map((m) => m.where.split(' ')[0]);
    expect(invoked).toEqual(['bandwidth', 'portmap', 'bridge', 'host-local']);
    expect(moments.some((m) => m.text.includes('removes /var/lib/cni/networks/kubenet/10.0.1.4'))).toBe(true);
    const picture = screen.getByTestId('cni-picture');
    expect(picture).not.toHaveTextContent('10.0.1.4');
    expect(picture).toHaveTextContent('(empty)');
  });

  it('steps with the arrow keys and says why a name cannot be used', () => {
    setup();
    fireEvent.keyDown(screen.getByRole('button', { name: 'Next ▶' }), { key: 'ArrowRight' });
    fireEvent.keyDown(screen.getByRole('button', { name: 'Next ▶' }), { key: 'ArrowRight' });
    expect(count()).toBe('Step 3 of 26');
    fireEvent.keyDown(screen.getByRole('button', { name: '◀ Back' }), { key: 'ArrowLeft' });
    expect(count()).toBe('Step 2 of 26');
    fireEvent.change(screen.getByRole('textbox', { name: 'New pod default/' }), {
      target: { value: 'client' },
    });
    expect(screen.getByRole('alert')).toHaveTextContent('pods "client" already exists in namespace default');
  });

  it('Apply adds the pod to the cluster with its address', () => {
    const { store } = setup();
    const before = store.getState().cluster.pods.length;
    fireEvent.click(screen.getByRole('button', { name: 'Apply: create the pod' }));
    const pods = store.getState().cluster.pods;
    expect(pods).toHaveLength(before + 1);
    expect(pods.find((p) => p.name === 'new-pod')).toMatchObject({ nodeName: 'node-1', podIP: '10.0.1.4' });
    expect(screen.getByRole('status')).toHaveTextContent('default/new-pod (10.0.1.4) is now in the cluster');
    expect(screen.getByRole('textbox', { name: 'New pod default/' })).toHaveValue('new-pod-2');
  });
});
