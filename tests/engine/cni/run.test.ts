import { describe, expect, it } from 'vitest';
import { cniAdd, cniDel, kubenetConfig, validateInterfaceName } from '../../../src/engine/cni';
import type { NetworkConfigList } from '../../../src/engine/cni';
import type { Pod } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';

const cluster = defaultCluster();
const pod = (name: string): Pod => {
  const found = cluster.pods.find((p) => p.name === name);
  if (!found) throw new Error(name);
  return found;
};
const client = pod('client');
const node1 = cluster.nodes.find((n) => n.name === 'node-1');
if (!node1) throw new Error('node-1');

describe('CNI ADD of the client pod with the kubenet-like chain', () => {
  const add = cniAdd(cluster, client);

  it('runs bridge (delegating to host-local), portmap, bandwidth in order', () => {
    expect(add.steps.map((s) => [s.plugin, s.delegatedBy ?? null])).toEqual([
      ['bridge', null],
      ['host-local', 'bridge'],
      ['portmap', null],
      ['bandwidth', null],
    ]);
    expect(add.failure).toBeUndefined();
  });

  it('passes the spec environment, the same for every plugin', () => {
    const env = add.steps[0]?.env;
    expect(env).toMatchObject({ CNI_COMMAND: 'ADD', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' });
    expect(env?.CNI_CONTAINERID).toMatch(/^[0-9a-f]{64}$/);
    expect(env?.CNI_NETNS).toMatch(/^\/var\/run\/netns\/cni-[0-9a-f-]{36}$/);
    expect(env?.CNI_ARGS).toContain('K8S_POD_NAME=client');
    // containerd's toCNILabels also passes the pod's UID (a UUID).
    expect(env?.CNI_ARGS).toMatch(
      /;K8S_POD_UID=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(;|$)/,
    );
    expect(new Set(add.steps.map((s) => s.env.CNI_CONTAINERID)).size).toBe(1);
  });

  it('gives the first plugin no prevResult, chains the others, and injects runtimeConfig only for declared capabilities', () => {
    const [bridge, , portmap, bandwidth] = add.steps;
    expect(bridge?.stdin).toMatchObject({
      cniVersion: '1.1.0',
      name: 'kubenet',
      type: 'bridge',
      bridge: 'cbr0',
    });
    expect(bridge?.stdin).not.toHaveProperty('prevResult');
    expect(bridge?.stdin).not.toHaveProperty('runtimeConfig');
    // containerd passes portMappings only when the pod has hostPorts: none here, so no runtimeConfig.
    expect(portmap?.stdin).not.toHaveProperty('runtimeConfig');
    expect(portmap?.stdin).not.toHaveProperty('capabilities');
    expect(portmap?.stdin.prevResult).toEqual(bridge?.result);
    expect(bandwidth?.stdin).not.toHaveProperty('runtimeConfig');
    expect(bandwidth?.stdin.prevResult).toEqual(portmap?.result);
  });

  it("prints the CNI 1.1 result with the pod's real addresses", () => {
    const ipam = add.steps[1]?.result;
    expect(ipam).not.toHaveProperty('interfaces');
    expect(ipam?.ips).toEqual([{ address: '10.0.1.3/24', gateway: '10.0.1.1' }]);
    expect(add.result?.interfaces?.map((i) => i.name)).toEqual(['cbr0', client.hostVeth, 'eth0']);
    expect(add.result?.interfaces?.[2]?.sandbox).toBe(add.steps[0]?.env.CNI_NETNS);
    expect(add.result?.interfaces?.[0]).not.toHaveProperty('sandbox');
    expect(add.result?.ips).toEqual([{ address: '10.0.1.3/24', gateway: '10.0.1.1', interface: 2 }]);
    expect(add.result?.routes).toEqual([{ dst: '0.0.0.0/0' }]);
    expect(add.steps[0]?.actions.join(' ')).toContain(`attaches ${client.hostVeth ?? ''} to cbr0`);
  });
});

describe('CNI DEL', () => {
  const add = cniAdd(cluster, client);
  const del = cniDel(cluster, client);

  it('runs the plugins in reverse order, each with the ADD result as prevResult', () => {
    expect(del.steps.map((s) => s.plugin)).toEqual(['bandwidth', 'portmap', 'bridge', 'host-local']);
    for (const s of del.steps) {
      expect(s.env.CNI_COMMAND).toBe('DEL');
      expect(s.stdin.prevResult).toEqual(add.result);
      expect(s.result).toBeUndefined();
    }
    expect(del.steps.find((s) => s.plugin === 'host-local')?.actions.join(' ')).toContain(
      '/var/lib/cni/networks/kubenet/10.0.1.3',
    );
  });
});

describe('CNI errors', () => {
  const base = kubenetConfig(cluster, node1);

  it('an unknown plugin type fails in the runtime, before any plugin runs (no error code: 50 is STATUS only)', () => {
    const config: NetworkConfigList = { ...base, plugins: [{ type: 'bridgee' }, ...base.plugins.slice(1)] };
    const add = cniAdd(cluster, client, config);
    expect(add.steps).toEqual([]);
    expect(add.failure?.raisedBy).toBe('runtime');
    expect(add.failure?.error.msg).toBe('failed to find plugin "bridgee" in path [/opt/cni/bin]');
    expect(add.failure?.error.code).toBeUndefined();
    expect(add.note).toContain('DEL');
  });

  it("an exhausted host-local range stops the chain with host-local's error, passed on by bridge", () => {
    // A range of one address, held by server-1 (10.0.1.2): client cannot get one.
    const tiny: NetworkConfigList = {
      ...base,
      plugins: [
        {
          ...base.plugins[0],
          type: 'bridge',
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: '10.0.1.0/24', rangeStart: '10.0.1.2', rangeEnd: '10.0.1.2' }]],
          },
        },
        ...base.plugins.slice(1),
      ],
    };
    const add = cniAdd(cluster, client, tiny);
    expect(add.steps.map((s) => s.plugin)).toEqual(['bridge', 'host-local']);
    expect(add.failure).toEqual({
      raisedBy: 'bridge',
      error: {
        cniVersion: '1.1.0',
        code: 999,
        msg: 'failed to allocate for range 0: no IP addresses available in range set: 10.0.1.2-10.0.1.2',
      },
    });
    expect(add.result).toBeUndefined();
  });

  it('a range with room gives the next free address when the recorded one is outside it', () => {
    const other: NetworkConfigList = {
      ...base,
      plugins: [
        {
          ...base.plugins[0],
          type: 'bridge',
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: '10.0.1.0/24', rangeStart: '10.0.1.2', rangeEnd: '10.0.1.9' }]],
          },
        },
      ],
    };
    // client holds 10.0.1.3, inside the range: kept. server-1 holds .2.
    expect(cniAdd(cluster, client, other).result?.ips[0]?.address).toBe('10.0.1.3/24');
  });

  it('invalid configs and interface names get the spec codes', () => {
    expect(cniAdd(cluster, client, { ...base, name: '' }).failure?.error).toMatchObject({ code: 7 });
    expect(cniAdd(cluster, client, { ...base, name: 'bad name' }).failure?.error).toMatchObject({
      code: 7,
      msg: 'invalid characters found in network name',
    });
    const v = cniAdd(cluster, client, { ...base, cniVersion: '2.0.0' });
    expect(v.failure).toMatchObject({
      raisedBy: 'bridge',
      error: { code: 1, msg: 'incompatible CNI versions' },
    });
    expect(cniAdd(cluster, client, undefined, { ifName: 'eth0:1' }).failure?.error).toMatchObject({
      code: 4,
    });
    expect(validateInterfaceName('a-very-long-name0')).toMatchObject({
      code: 4,
      msg: 'interface name is too long',
    });
    expect(validateInterfaceName('..')).toMatchObject({ code: 4 });
    expect(validateInterfaceName('')).toMatchObject({ code: 4, msg: 'interface name is empty' });
    expect(validateInterfaceName('eth0')).toBeNull();
    expect(validateInterfaceName('abcdefghijklmno')).toBeNull();
  });
});
