import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { importManifests, parseManifestText, readObjects } from '../../src/manifests';

function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8');
}

describe('multi-document YAML', () => {
  test('documents are numbered as written, the empty one included', async () => {
    const parsed = await parseManifestText(fixtureText('shop.yaml'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.docs).toHaveLength(8);
    expect(parsed.docs[1]).toBeNull();
    expect(parsed.docs.map((d) => (d as { kind?: string } | null)?.kind ?? null)).toEqual([
      'NetvizCluster',
      null,
      'Node',
      'Deployment',
      'Service',
      'Service',
      'Service',
      'Service',
    ]);
  });

  test('imports into a draft with each object pointing at its document', async () => {
    const { draft, errors, ignored } = await importManifests(fixtureText('shop.yaml'));
    expect(errors.map((e) => e.describe())).toEqual([]);
    expect(ignored).toEqual([]);
    expect(draft.name).toBe('shop');
    expect(draft.network).toEqual({
      serviceCIDR: '10.96.0.0/12',
      proxyMode: 'ipvs',
      ipvsScheduler: 'wrr',
      cniMode: 'vxlan',
      source: { document: 1, path: '' },
    });
    expect(draft.nodes).toEqual([
      { name: 'node-a', labels: {}, internalIP: '192.168.10.11', source: { document: 3, path: '' } },
    ]);
    expect(draft.deployments[0]).toMatchObject({
      name: 'cart',
      namespace: 'shop',
      replicas: 3,
      selector: { app: 'cart' },
      template: {
        labels: { app: 'cart', tier: 'backend' },
        containers: [
          {
            name: 'cart',
            image: 'ghcr.io/example/cart:2.4.1',
            ports: [{ name: 'grpc', containerPort: 9090, protocol: 'TCP' }],
          },
        ],
      },
      source: { document: 4, path: '' },
    });
    expect(draft.services.map((s) => [s.name, s.type, s.clusterIP, s.ports, s.source?.document])).toEqual([
      [
        'cart',
        'NodePort',
        undefined,
        [{ protocol: 'TCP', port: 9090, targetPort: 'grpc', nodePort: 30090 }],
        5,
      ],
      [
        'cart-peers',
        'ClusterIP',
        'None',
        [{ name: 'gossip', protocol: 'UDP', port: 7946, targetPort: 7946 }],
        6,
      ],
      ['payments', 'ExternalName', undefined, [], 7],
      ['storefront', 'LoadBalancer', undefined, [{ protocol: 'TCP', port: 443, targetPort: 8443 }], 8],
    ]);
    expect(draft.services[0]).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 10800,
      externalTrafficPolicy: 'Local',
    });
    expect(draft.services[3]?.loadBalancerIPs).toEqual(['203.0.113.10']);
  });

  test('gives the same draft as the parsed documents read directly', async () => {
    const parsed = await parseManifestText(fixtureText('shop.yaml'));
    const imported = await importManifests(fixtureText('shop.yaml'));
    expect(imported.draft).toEqual(readObjects(parsed.docs).draft);
  });

  test('merge keys work as in kubectl', async () => {
    const text = [
      'base: &base',
      '  apiVersion: v1',
      '  kind: Pod',
      'metadata: {name: merged}',
      'spec: {containers: [{name: c, image: i}]}',
      '<<: *base',
    ].join('\n');
    const { draft, errors, ignored } = await importManifests(text);
    expect(ignored).toEqual([]);
    expect(errors).toEqual([]);
    expect(draft.pods.map((p) => p.name)).toEqual(['merged']);
  });
});

describe('JSON', () => {
  test('a kubectl List and a raw PodList, one after the other, are documents 1 and 2', async () => {
    const text = fixtureText('kubectl-get-list.json') + '\n' + fixtureText('api-podlist.json');
    const { draft, errors } = await importManifests(text);
    expect(errors).toEqual([]);
    expect(draft.pods.map((p) => `${p.source?.document} ${p.source?.path} ${p.name}`)).toEqual([
      '1 items[2] web-5d8f7b6c9d-k7x2q',
      '1 items[3] coredns-674b8bbfcf-9qz4m',
      '2 items[0] kube-proxy-x7k2p',
      '2 items[1] migrate-db-29101140-8xq2v',
      '2 items[2] web-5d8f7b6c9d-gone1',
    ]);
    // The terminating pod belongs to the web Deployment, whose ReplicaSet is in document 1.
    expect(draft.pods[4]?.ownerDeployment).toBe('web');
  });

  test('a byte-order mark and surrounding whitespace are fine', async () => {
    const { docs, errors } = await parseManifestText('\uFEFF \n [{"kind": "Pod"}] \n');
    expect(errors).toEqual([]);
    expect(docs).toEqual([[{ kind: 'Pod' }]]);
  });

  test('YAML flow style that merely starts with a brace is read as YAML', async () => {
    const { draft, errors } = await importManifests(
      '{apiVersion: v1, kind: Pod, metadata: {name: flow}, spec: {containers: [{name: c, image: i}]}}',
    );
    expect(errors).toEqual([]);
    expect(draft.pods.map((p) => p.name)).toEqual(['flow']);
  });

  test('empty text has no documents and no errors', async () => {
    expect(await parseManifestText('')).toEqual({ docs: [], errors: [] });
    expect(await parseManifestText('  \n# only a comment\n')).toEqual({ docs: [], errors: [] });
  });
});

describe('malformed text is reported with document, line and column', () => {
  test('YAML: a bad indent in the second document', async () => {
    const text =
      'apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n   labels: x\n';
    const { docs, errors } = await parseManifestText(text);
    expect(docs[0]).toEqual({ apiVersion: 'v1', kind: 'Pod' });
    expect(docs[1]).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('malformed-document');
    expect(errors[0]?.source).toEqual({ document: 2, path: '' });
    expect(errors[0]?.message).toMatch(/^YAML syntax error at line 7, column 9: /);
  });

  test('YAML: a repeated key names its line', async () => {
    const { errors } = await parseManifestText('a: 1\n---\nkind: Pod\nkind: Service\n');
    expect(errors.map((e) => e.describe())).toEqual([
      'document 2: YAML syntax error at line 4, column 1: Map keys must be unique',
    ]);
  });

  test('YAML: an unterminated string and a tab indent', async () => {
    const unterminated = await parseManifestText('kind: Pod\nmetadata:\n  name: "web\n');
    expect(unterminated.errors[0]?.message).toMatch(
      /^YAML syntax error at line \d+, column \d+: Missing closing "quote/,
    );
    const tab = await parseManifestText('kind: Pod\nmetadata:\n\tname: web\n');
    expect(tab.errors[0]?.message).toMatch(/^YAML syntax error at line 3, column 1: /);
  });

  test('YAML: an alias bomb is refused, not expanded', async () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
    ] as const) {
      rows.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${prev}`).join(', ')}]`);
    }
    const { docs, errors } = await parseManifestText(rows.join('\n'));
    expect(docs).toEqual([null]);
    expect(errors[0]?.code).toBe('malformed-document');
    expect(errors[0]?.message).toMatch(/^YAML document cannot be read: /);
  });

  test('JSON: a trailing comma, at its line and column', async () => {
    const { docs, errors } = await parseManifestText('{\n  "kind": "Pod",\n  "metadata": {"name": "x",}\n}');
    expect(docs).toEqual([]);
    expect(errors.map((e) => e.describe())).toEqual([
      'document 1: JSON syntax error at line 3, column 28: expected a quoted property name, found "}"',
    ]);
  });

  test('JSON: an error in the second value of a stream is in document 2', async () => {
    const { errors } = await parseManifestText('{"kind":"Pod"}\n{"kind": }');
    expect(errors.map((e) => e.describe())).toEqual([
      'document 2: JSON syntax error at line 2, column 10: expected a value, found "}"',
    ]);
  });

  test('JSON: unterminated input and bad escapes', async () => {
    const cut = await parseManifestText('{"kind": "Pod", "metadata": {');
    expect(cut.errors[0]?.message).toBe(
      'JSON syntax error at line 1, column 30: expected a quoted property name, found end of input',
    );
    const escape = await parseManifestText('["a\\qb"]');
    expect(escape.errors[0]?.message).toBe(
      'JSON syntax error at line 1, column 4: bad escape "\\\\q" in string',
    );
    const control = await parseManifestText('["a\nb"]');
    expect(control.errors[0]?.message).toBe(
      'JSON syntax error at line 1, column 4: control character in string (escape it)',
    );
  });

  test('importManifests puts parse errors first and still reads the good documents', async () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec: {containers: [{name: c, image: i}]}\n---\n: : :\n---\n- 1\n';
    const { draft, errors } = await importManifests(text);
    expect(draft.pods.map((p) => p.name)).toEqual(['ok']);
    expect(errors.map((e) => [e.code, e.source?.document])).toEqual([
      ['malformed-document', 2],
      ['malformed-document', 3],
    ]);
  });
});
