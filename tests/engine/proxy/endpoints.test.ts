import { describe, expect, it } from 'vitest';
import { categorizeEndpoints, listServicePorts } from '../../../src/engine/proxy/endpoints';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from './fixtures';

const p80 = { name: 'p80', protocol: 'TCP' as const, port: 8080 };

function onePort(endpoints: Parameters<typeof makeSlice>[2], overrides = {}) {
  const cluster = makeCluster({
    services: [makeService('ns', 'web', [tcpPort('p80', 80)], { clusterIP: '172.30.0.10', ...overrides })],
    endpointSlices: [makeSlice('ns', 'web', endpoints, [p80])],
  });
  const sp = listServicePorts(cluster, TEST_NODE)[0];
  if (!sp) throw new Error('no service port');
  return sp;
}

describe('endpoints per service port', () => {
  it('takes the target port from the slice and sorts by the "ip:port" string as kube-proxy does', () => {
    const sp = onePort([{ ip: '10.0.0.2' }, { ip: '10.0.0.10' }, { ip: '10.0.0.1', nodeName: TEST_NODE }]);
    expect(sp.endpoints.map((e) => e.endpoint)).toEqual(['10.0.0.10:8080', '10.0.0.1:8080', '10.0.0.2:8080']);
    expect(sp.endpoints.map((e) => e.isLocal)).toEqual([false, true, false]);
  });

  it('matches slice ports by name and protocol', () => {
    const cluster = makeCluster({
      services: [
        makeService('ns', 'dns', [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 }], {
          clusterIP: '172.30.0.10',
        }),
      ],
      endpointSlices: [
        makeSlice(
          'ns',
          'dns',
          [{ ip: '10.0.0.5' }],
          [
            { name: 'dns-tcp', protocol: 'TCP', port: 5353 },
            { name: 'dns', protocol: 'TCP', port: 9999 },
            { name: 'dns', protocol: 'UDP', port: 53 },
          ],
        ),
      ],
    });
    const [sp] = listServicePorts(cluster, TEST_NODE);
    expect(sp?.endpoints.map((e) => e.endpoint)).toEqual(['10.0.0.5:53']);
  });

  it('uses ready endpoints, falls back to serving+terminating, never serving=false', () => {
    const mixed = onePort([
      { ip: '10.0.0.1' },
      { ip: '10.0.0.2', ready: false, serving: true, terminating: true },
      { ip: '10.0.0.3', ready: false, serving: false, terminating: true },
    ]);
    expect(categorizeEndpoints(mixed).clusterEndpoints.map((e) => e.ip)).toEqual(['10.0.0.1']);

    const terminating = onePort([
      { ip: '10.0.0.2', ready: false, serving: true, terminating: true },
      { ip: '10.0.0.3', ready: false, serving: false, terminating: true },
    ]);
    const cat = categorizeEndpoints(terminating);
    expect(cat.clusterEndpoints.map((e) => e.ip)).toEqual(['10.0.0.2']);
    expect(cat.hasAnyEndpoints).toBe(true);

    const none = onePort([{ ip: '10.0.0.3', ready: false, serving: false, terminating: true }]);
    expect(categorizeEndpoints(none).hasAnyEndpoints).toBe(false);
  });

  it('internalTrafficPolicy Local: only local endpoints are used', () => {
    const sp = onePort(
      [
        { ip: '10.0.0.1', nodeName: TEST_NODE },
        { ip: '10.0.0.2', nodeName: 'other-node' },
      ],
      {
        internalTrafficPolicy: 'Local',
      },
    );
    const cat = categorizeEndpoints(sp);
    expect(cat.clusterEndpoints).toEqual([]);
    expect(cat.localEndpoints.map((e) => e.ip)).toEqual(['10.0.0.1']);
    expect(cat.allReachableEndpoints.map((e) => e.ip)).toEqual(['10.0.0.1']);
  });

  it('skips headless and ExternalName services', () => {
    const cluster = makeCluster({
      services: [
        makeService('ns', 'headless', [tcpPort('p80', 80)], { headless: true }),
        makeService('ns', 'ext', [], { type: 'ExternalName', externalName: 'example.com' }),
        makeService('ns', 'web', [tcpPort(undefined, 80)], { clusterIP: '172.30.0.9' }),
      ],
      endpointSlices: [],
    });
    expect(listServicePorts(cluster, TEST_NODE).map((sp) => sp.name)).toEqual(['ns/web']);
  });
});
