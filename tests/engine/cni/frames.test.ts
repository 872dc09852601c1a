import { describe, expect, it } from 'vitest';
import { cniAdd, cniDel, cniFrames, podJoining } from '../../../src/engine/cni';
import type { CniFrame } from '../../../src/engine/cni';
import { defaultCluster } from '../../../src/scenarios';

const base = defaultCluster();
const joined = podJoining(base, { node: 'node-1', name: 'new-pod' });
if (!joined.ok) throw new Error(joined.error);
const { cluster, pod } = joined;

/** `plugin:kind` of each moment, with the effect kind on actions that change the picture. */
const outline = (frames: readonly CniFrame[]) =>
  frames.map((f) =>
    f.kind === 'config' || f.kind === 'done'
      ? f.kind
      : `${f.step.plugin}:${f.kind}${f.kind === 'action' && f.effect ? `:${f.effect.kind}` : ''}`,
  );

describe('a new pod joining node-1', () => {
  it('gets the next free address of the podCIDR and a host veth name', () => {
    // node-1 holds server-1 (10.0.1.2) and client (10.0.1.3); .1 is cbr0's.
    expect(pod.podIP).toBe('10.0.1.4');
    expect(pod.hostVeth).toMatch(/^veth[0-9a-f]{8}$/);
    expect(cluster.pods).toHaveLength(base.pods.length + 1);
  });

  it('refuses a duplicate name, an invalid name and an unknown node with the reason', () => {
    expect(podJoining(base, { node: 'node-1', name: 'client' })).toEqual({
      ok: false,
      error: 'pods "client" already exists in namespace default',
    });
    const bad = podJoining(base, { node: 'node-1', name: 'New_Pod' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain('invalid pod name "New_Pod"');
    // Pod names are DNS subdomains (ValidatePodName): a dot is allowed.
    expect(podJoining(base, { node: 'node-1', name: 'web.v2' }).ok).toBe(true);
    expect(podJoining(base, { node: 'node-9', name: 'x' })).toEqual({
      ok: false,
      error: 'no node named "node-9"',
    });
  });
});

describe('ADD as moments', () => {
  const run = cniAdd(cluster, pod);
  const frames = cniFrames(cluster, run);

  it('follows the spec order: bridge (host-local run inside it), then portmap, then bandwidth', () => {
    expect(outline(frames)).toEqual([
      'config',
      'bridge:invoke',
      'bridge:action:bridge-up',
      'bridge:action:veth-created',
      'bridge:action:veth-attached',
      'bridge:action:delegate',
      'host-local:invoke',
      'host-local:action',
      'host-local:action',
      'host-local:action:address-reserved',
      'host-local:action',
      'host-local:output',
      'bridge:action:address-set',
      'bridge:action:route-added',
      'bridge:action:bridge-gateway',
      'bridge:action',
      'bridge:output',
      'portmap:invoke',
      'portmap:action',
      'portmap:action',
      'portmap:output',
      'bandwidth:invoke',
      'bandwidth:action',
      'bandwidth:action',
      'bandwidth:output',
      'done',
    ]);
  });

  it('grows the picture: no pod interface before, eth0 with the address and routes after', () => {
    const first = frames[0]?.picture;
    expect(first?.veth).toBeNull();
    expect(first?.pod.ifName).toBeNull();
    expect(first?.bridge).toMatchObject({ name: 'cbr0', exists: true, address: '10.0.1.1/24' });
    expect(first?.reserved).not.toContain('10.0.1.4');
    const created = frames.find((f) => f.kind === 'action' && f.effect?.kind === 'veth-created');
    expect(created?.picture.veth).toEqual({ hostVeth: pod.hostVeth, attached: false, hairpin: false });
    expect(created?.picture.pod.address).toBeNull();
    const last = frames[frames.length - 1]?.picture;
    expect(last?.veth).toEqual({ hostVeth: pod.hostVeth, attached: true, hairpin: true });
    expect(last?.pod).toMatchObject({ ifName: 'eth0', address: '10.0.1.4/24' });
    expect(last?.pod.routes).toEqual([
      '10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.4',
      'default via 10.0.1.1 dev eth0',
    ]);
    expect(last?.reserved).toContain('10.0.1.4');
  });

  it("gives chained plugins the previous plugin's result as prevResult, and ends with a 1.1.0 result", () => {
    const bridge = run.steps.find((s) => s.plugin === 'bridge');
    const portmap = run.steps.find((s) => s.plugin === 'portmap');
    expect(bridge?.stdin).not.toHaveProperty('prevResult');
    expect(portmap?.stdin.prevResult).toEqual(bridge?.result);
    expect(run.result).toMatchObject({
      cniVersion: '1.1.0',
      ips: [{ address: '10.0.1.4/24', interface: 2 }],
    });
  });
});

describe('DEL as moments', () => {
  const run = cniDel(cluster, pod);
  const frames = cniFrames(cluster, run);

  it('runs the plugins in reverse; bridge deletes the device before host-local releases the address', () => {
    expect(outline(frames).filter((o) => o.endsWith(':invoke'))).toEqual([
      'bandwidth:invoke',
      'portmap:invoke',
      'bridge:invoke',
      'host-local:invoke',
    ]);
    const kinds = frames.flatMap((f) => (f.kind === 'action' && f.effect ? [f.effect.kind] : []));
    expect(kinds).toEqual(['veth-deleted', 'delegate', 'address-released']);
  });

  it('starts from the wired pod and ends with it unwired and its address free', () => {
    expect(frames[0]?.picture.pod.address).toBe('10.0.1.4/24');
    expect(frames[0]?.picture.reserved).toContain('10.0.1.4');
    const last = frames[frames.length - 1]?.picture;
    expect(last?.veth).toBeNull();
    expect(last?.pod.ifName).toBeNull();
    expect(last?.reserved).not.toContain('10.0.1.4');
    expect(last?.bridge.exists).toBe(true);
  });
});
