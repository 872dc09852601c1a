import { describe, expect, it } from 'vitest';
import { exportClusterYaml, importManifests, readObjects } from '../../src/manifests';
import { loadScenario } from '../../src/scenarios/load';

const ingress = (spec: unknown, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'shop', namespace: 'default', ...metadata },
  spec,
});

const svc = (name: string, port: unknown = { number: 80 }) => ({ service: { name, port } });

function errorsOf(doc: unknown): [string | undefined, string][] {
  return readObjects([doc]).errors.map((e) => [e.field, e.message]);
}

describe('reading networking.k8s.io/v1 Ingress', () => {
  it('reads class, rules, paths, backends by number and by name, TLS and service-upstream', () => {
    const { draft, errors } = readObjects([
      ingress(
        {
          ingressClassName: 'nginx',
          defaultBackend: svc('web-svc'),
          tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
          rules: [
            {
              host: '*.example.com',
              http: {
                paths: [
                  { path: '/api', pathType: 'Prefix', backend: svc('api-svc', { name: 'http' }) },
                  { pathType: 'ImplementationSpecific', backend: svc('web-svc') },
                ],
              },
            },
            { host: 'only-default.example.com' },
          ],
        },
        { annotations: { 'nginx.ingress.kubernetes.io/service-upstream': 'true' } },
      ),
    ]);
    expect(errors).toEqual([]);
    expect(draft.ingresses?.[0]).toMatchObject({
      kind: 'Ingress',
      name: 'shop',
      ingressClassName: 'nginx',
      defaultBackend: { name: 'web-svc', port: { number: 80 } },
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      serviceUpstream: true,
      rules: [
        {
          host: '*.example.com',
          paths: [
            { path: '/api', pathType: 'Prefix', backend: { name: 'api-svc', port: { name: 'http' } } },
            {
              path: '',
              pathType: 'ImplementationSpecific',
              backend: { name: 'web-svc', port: { number: 80 } },
            },
          ],
        },
        { host: 'only-default.example.com', paths: [] },
      ],
    });
  });

  it.each([
    [{}, [['spec', 'either `defaultBackend` or `rules` must be specified']]],
    [
      {
        rules: [
          { host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('w') }] } },
        ],
      },
      [['spec.rules[0].host', 'invalid host "10.0.0.1": must be a DNS name, not an IP address']],
    ],
    [
      {
        rules: [
          {
            host: 'a.*.example.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('w') }] },
          },
        ],
      },
      [['spec.rules[0].host', expect.stringContaining("must start with '*.'")]],
    ],
    [
      { rules: [{ http: { paths: [{ path: '/', backend: svc('w') }] } }] },
      [['spec.rules[0].http.paths[0].pathType', expect.stringContaining('pathType must be specified')]],
    ],
    [
      { rules: [{ http: { paths: [{ path: '/', pathType: 'Regex', backend: svc('w') }] } }] },
      [['spec.rules[0].http.paths[0].pathType', expect.stringContaining('unsupported value "Regex"')]],
    ],
    [
      { rules: [{ http: { paths: [{ path: 'api', pathType: 'Prefix', backend: svc('w') }] } }] },
      [['spec.rules[0].http.paths[0].path', '"api" must be an absolute path (starting with \'/\')']],
    ],
    [
      { rules: [{ http: { paths: [{ path: '/a//b', pathType: 'Exact', backend: svc('w') }] } }] },
      [['spec.rules[0].http.paths[0].path', '"/a//b" must not contain \'//\'']],
    ],
    [{ rules: [{ http: { paths: [] } }] }, [['spec.rules[0].http.paths', 'http needs at least one path']]],
    [
      { defaultBackend: svc('w', { number: 80, name: 'http' }) },
      [['spec.defaultBackend.service.port', 'cannot set both port name & port number']],
    ],
    [
      { defaultBackend: svc('w', {}) },
      [['spec.defaultBackend.service.port', 'port name or number is required']],
    ],
    [
      { defaultBackend: svc('Web_Svc') },
      [['spec.defaultBackend.service.name', expect.stringContaining('invalid Service name "Web_Svc"')]],
    ],
    [
      { defaultBackend: { resource: { kind: 'StorageBucket', name: 'static' } } },
      [['spec.defaultBackend.resource', expect.stringContaining('resource backends are not modelled')]],
    ],
    [
      { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix' }] } }] },
      [['spec.rules[0].http.paths[0].backend', 'a path needs a backend']],
    ],
  ])('refuses %j with errors at their field paths', (spec, expected) => {
    expect(errorsOf(ingress(spec))).toEqual(expected);
  });

  it('an unquoted boolean annotation is refused as the API server refuses it', () => {
    expect(
      errorsOf(
        ingress(
          { defaultBackend: svc('w') },
          { annotations: { 'nginx.ingress.kubernetes.io/service-upstream': true } },
        ),
      ),
    ).toEqual([
      [
        'metadata.annotations[nginx.ingress.kubernetes.io/service-upstream]',
        'expected a string annotation value, got the boolean true (quote it in YAML)',
      ],
    ]);
  });

  it('reads the deprecated kubernetes.io/ingress.class annotation, refused when it contradicts ingressClassName', () => {
    const legacy = readObjects([
      ingress({ defaultBackend: svc('w') }, { annotations: { 'kubernetes.io/ingress.class': 'nginx' } }),
    ]);
    expect(legacy.errors).toEqual([]);
    expect(legacy.draft.ingresses?.[0]?.classAnnotation).toBe('nginx');
    expect(
      errorsOf(
        ingress(
          { ingressClassName: 'nginx', defaultBackend: svc('w') },
          { annotations: { 'kubernetes.io/ingress.class': 'traefik' } },
        ),
      ),
    ).toEqual([
      [
        'metadata.annotations[kubernetes.io/ingress.class]',
        '"traefik" must match `ingressClassName` when both are specified',
      ],
    ]);
  });

  it('a TLS host may be an IP-shaped name (validateIngressTLS has no IP check); a rule host may not', () => {
    expect(errorsOf(ingress({ defaultBackend: svc('w'), tls: [{ hosts: ['10.0.0.1'] }] }))).toEqual([]);
    expect(errorsOf(ingress({ rules: [{ host: '10.0.0.1' }] }))).toEqual([
      ['spec.rules[0].host', 'invalid host "10.0.0.1": must be a DNS name, not an IP address'],
    ]);
  });

  it('exports the class annotation and reads it back', async () => {
    const seed = loadScenario('ingress');
    const cluster = {
      ...seed,
      ingresses: (seed.ingresses ?? []).map((i) => {
        const { ingressClassName, ...rest } = i;
        expect(ingressClassName).toBe('nginx');
        return { ...rest, classAnnotation: 'nginx' };
      }),
    };
    const read = await importManifests(await exportClusterYaml(cluster));
    expect(read.errors).toEqual([]);
    expect(read.draft.ingresses?.map((i) => [i.ingressClassName, i.classAnnotation])).toEqual(
      cluster.ingresses.map(() => [undefined, 'nginx']),
    );
  });

  it('points errors at their document and list item', () => {
    const { errors } = readObjects([
      { apiVersion: 'v1', kind: 'List', items: [ingress({ rules: [{ host: '1.2.3.4' }] })] },
    ]);
    expect(errors[0]?.source).toEqual({ document: 1, path: 'items[0]' });
    expect(errors[0]?.field).toBe('spec.rules[0].host');
  });

  it('Ingresses in older API versions are ignored with the reason', () => {
    const { ignored } = readObjects([{ ...ingress({}), apiVersion: 'extensions/v1beta1' }]);
    expect(ignored[0]?.reason).toBe(
      'Ingress in extensions/v1beta1 is not modelled: kube-netviz reads Ingress in networking.k8s.io/v1',
    );
  });
});
