import { describe, expect, it } from 'vitest';
import { readObjects } from '../../src/manifests';

const np = (spec: unknown, name = 'np') => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'shop' },
  spec,
});

function errorsOf(spec: unknown): string[] {
  const { draft, errors } = readObjects([np(spec)]);
  expect(draft.networkPolicies ?? []).toEqual([]); // an object with problems is left out
  return errors.map((e) => e.describe());
}

describe('NetworkPolicy manifests', () => {
  it('reads a full policy with the API defaults', () => {
    const { draft, errors, ignored } = readObjects([
      np({
        podSelector: {
          matchLabels: { role: 'db' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }],
        },
        ingress: [
          {
            from: [
              { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
              { namespaceSelector: { matchLabels: { project: 'myproject' } }, podSelector: {} },
              { podSelector: { matchLabels: { role: 'frontend' } } },
            ],
            ports: [{ protocol: 'TCP', port: 6379 }, { port: 'metrics' }, { port: 32000, endPort: 32768 }],
          },
        ],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'UDP', port: 53 }] }, {}],
      }),
    ]);
    expect(errors).toEqual([]);
    expect(ignored).toEqual([]);
    expect(draft.networkPolicies).toEqual([
      {
        kind: 'NetworkPolicy',
        name: 'np',
        namespace: 'shop',
        labels: {},
        source: { document: 1, path: '' },
        podSelector: {
          matchLabels: { role: 'db' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }],
        },
        // No policyTypes given: Ingress always, Egress because there are egress rules.
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            peers: [
              { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
              {
                namespaceSelector: { matchLabels: { project: 'myproject' }, matchExpressions: [] },
                podSelector: { matchLabels: {}, matchExpressions: [] },
              },
              { podSelector: { matchLabels: { role: 'frontend' }, matchExpressions: [] } },
            ],
            ports: [
              { protocol: 'TCP', port: 6379 },
              { protocol: 'TCP', port: 'metrics' },
              { protocol: 'TCP', port: 32000, endPort: 32768 },
            ],
          },
        ],
        egress: [
          {
            peers: [{ ipBlock: { cidr: '10.0.0.0/24', except: [] } }],
            ports: [{ protocol: 'UDP', port: 53 }],
          },
          { peers: [], ports: [] },
        ],
      },
    ]);
  });

  it('policyTypes: Ingress only without egress rules; an explicit list is kept', () => {
    const { draft } = readObjects([
      np({ podSelector: {} }, 'a'),
      np({ podSelector: {}, egress: [] }, 'b'),
      np({ podSelector: {}, policyTypes: ['Egress'] }, 'c'),
      np(undefined, 'd'),
    ]);
    expect(draft.networkPolicies?.map((p) => [p.name, p.policyTypes])).toEqual([
      ['a', ['Ingress']],
      ['b', ['Ingress']],
      ['c', ['Egress']],
      ['d', ['Ingress']],
    ]);
    expect(draft.networkPolicies?.[3]?.podSelector).toEqual({ matchLabels: {}, matchExpressions: [] });
  });

  it('is no longer in the ignored kinds', () => {
    const { ignored } = readObjects([np({ podSelector: {} })]);
    expect(ignored).toEqual([]);
  });

  it('rejects a bad podSelector', () => {
    expect(errorsOf({ podSelector: { matchLabels: { 'bad key!': 'x' } } })).toEqual([
      expect.stringContaining(
        'document 1, spec.podSelector.matchLabels[bad key!]: invalid label key',
      ) as unknown,
    ]);
    expect(
      errorsOf({ podSelector: { matchExpressions: [{ key: 'app', operator: 'Matches', values: ['x'] }] } }),
    ).toEqual([
      'document 1, spec.podSelector.matchExpressions[0].operator: unsupported value "Matches": expected one of In, NotIn, Exists, DoesNotExist',
    ]);
    expect(errorsOf({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })).toEqual([
      'document 1, spec.podSelector.matchExpressions[0].values: operator In needs at least one value',
    ]);
    expect(errorsOf({ podSelector: 'app=web' })).toEqual([
      'document 1, spec.podSelector: expected an object, got the string "app=web"',
    ]);
  });

  it('rejects an ipBlock with an invalid CIDR, or an except outside the cidr', () => {
    expect(
      errorsOf({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }),
    ).toEqual([
      'document 1, spec.ingress[0].from[0].ipBlock.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR (expected a.b.c.d/n with n from 0 to 32)',
    ]);
    expect(
      errorsOf({
        podSelector: {},
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24', '10.0.0.0/16'] } }] }],
      }),
    ).toEqual([
      'document 1, spec.egress[0].to[0].ipBlock.except[0]: "10.1.0.0/24" must be a strict subset of cidr "10.0.0.0/16"',
      'document 1, spec.egress[0].to[0].ipBlock.except[1]: "10.0.0.0/16" must be a strict subset of cidr "10.0.0.0/16"',
    ]);
    expect(errorsOf({ podSelector: {}, ingress: [{ from: [{ ipBlock: {} }] }] })).toEqual([
      'document 1, spec.ingress[0].from[0].ipBlock.cidr: ipBlock needs a cidr',
    ]);
  });

  it('rejects peers that mix ipBlock with selectors, and empty peers', () => {
    expect(
      errorsOf({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }, {}] }],
      }),
    ).toEqual([
      'document 1, spec.ingress[0].from[0]: may not specify both ipBlock and another peer',
      'document 1, spec.ingress[0].from[1]: must specify a peer: podSelector, namespaceSelector or ipBlock',
    ]);
  });

  it('rejects port 0, an unknown protocol, a bad port name and a wrong endPort', () => {
    expect(errorsOf({ podSelector: {}, ingress: [{ ports: [{ port: 0 }] }] })).toEqual([
      'document 1, spec.ingress[0].ports[0].port: must be a port number between 1 and 65535 or a port name, got the number 0',
    ]);
    expect(errorsOf({ podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP', port: 80 }] }] })).toEqual([
      'document 1, spec.ingress[0].ports[0].protocol: unsupported value "ICMP": expected one of TCP, UDP, SCTP',
    ]);
    expect(errorsOf({ podSelector: {}, ingress: [{ ports: [{ port: 'Web_Port' }] }] })).toEqual([
      expect.stringContaining('spec.ingress[0].ports[0].port: invalid port name "Web_Port"') as unknown,
    ]);
    expect(errorsOf({ podSelector: {}, ingress: [{ ports: [{ port: 9000, endPort: 8000 }] }] })).toEqual([
      'document 1, spec.ingress[0].ports[0].endPort: must be greater than or equal to port (9000), got 8000',
    ]);
    expect(errorsOf({ podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 8000 }] }] })).toEqual([
      'document 1, spec.ingress[0].ports[0].endPort: may not be specified when port is non-numeric',
    ]);
    expect(errorsOf({ podSelector: {}, ingress: [{ ports: [{ endPort: 8000 }] }] })).toEqual([
      'document 1, spec.ingress[0].ports[0].endPort: may not be specified when port is not specified',
    ]);
  });

  it('rejects unknown and repeated policyTypes', () => {
    expect(errorsOf({ podSelector: {}, policyTypes: ['Ingress', 'ingress'] })).toEqual([
      'document 1, spec.policyTypes[1]: unsupported value "ingress": expected Ingress or Egress',
    ]);
    expect(errorsOf({ podSelector: {}, policyTypes: ['Egress', 'Egress'] })).toEqual([
      'document 1, spec.policyTypes[1]: duplicate policy type "Egress"',
    ]);
  });
});
