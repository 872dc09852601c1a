import { describe, expect, it } from 'vitest';
import { hostMatches, pathMatches, routeIngress } from '../../../src/engine/ingress/route';
import type { Ingress, IngressPath, IngressRule } from '../../../src/model/types';

const path = (p: string, pathType: IngressPath['pathType'], service: string): IngressPath => ({
  path: p,
  pathType,
  backend: { name: service, port: { number: 80 } },
});

function ingress(name: string, rules: IngressRule[], extra: Partial<Ingress> = {}): Ingress {
  return {
    kind: 'Ingress',
    name,
    namespace: 'default',
    labels: {},
    ingressClassName: 'nginx',
    rules,
    tls: [],
    serviceUpstream: false,
    ...extra,
  };
}

const backendOf = (ings: Ingress[], host: string, p: string): string | null => {
  const r = routeIngress(ings, { host, path: p }).route;
  return r.kind === 'not-found' ? null : r.backend.name;
};

describe('path matching (networking/v1 PathType; the Ingress docs’ examples table)', () => {
  it.each([
    ['Prefix', '/', '/anything', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['Prefix', '/foo', '/FOO', false],
    // ingress-nginx writes ImplementationSpecific as a plain nginx prefix location: characters, not elements.
    ['ImplementationSpecific', '/foo', '/foobar', true],
    ['ImplementationSpecific', '', '/x', true],
  ] as const)('%s %s vs request %s → %s', (pathType, p, request, expected) => {
    expect(pathMatches(pathType, p, request)).toBe(expected);
  });

  it('the longest matching path wins, whatever the order', () => {
    const ings = [
      ingress('a', [
        {
          host: 'shop.example.com',
          paths: [path('/', 'Prefix', 'web'), path('/api', 'Prefix', 'api'), path('/api/v2', 'Prefix', 'v2')],
        },
      ]),
    ];
    expect(backendOf(ings, 'shop.example.com', '/api/v2/orders')).toBe('v2');
    expect(backendOf(ings, 'shop.example.com', '/api/orders')).toBe('api');
    expect(backendOf(ings, 'shop.example.com', '/apiary')).toBe('web');
    expect(backendOf(ings, 'shop.example.com', '/')).toBe('web');
    const d = routeIngress(ings, { host: 'shop.example.com', path: '/api/orders' });
    expect(d.candidates.map((c) => [c.path, c.matches, c.chosen])).toEqual([
      ['/', true, false],
      ['/api', true, true],
      ['/api/v2', false, false],
    ]);
  });

  it('at equal length Exact beats Prefix, in either order', () => {
    for (const paths of [
      [path('/foo', 'Prefix', 'prefix'), path('/foo', 'Exact', 'exact')],
      [path('/foo', 'Exact', 'exact'), path('/foo', 'Prefix', 'prefix')],
    ]) {
      const ings = [ingress('a', [{ host: 'x.example.com', paths }])];
      expect(backendOf(ings, 'x.example.com', '/foo')).toBe('exact');
      expect(backendOf(ings, 'x.example.com', '/foo/bar')).toBe('prefix');
    }
  });

  it('ignores the query string', () => {
    const ings = [ingress('a', [{ host: '', paths: [path('/search', 'Exact', 'search')] }])];
    expect(backendOf(ings, 'any.example.com', '/search?q=k8s')).toBe('search');
  });
});

describe('host matching (IngressRule.Host; ingress-nginx buildServerName)', () => {
  it.each([
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'aexample.com', false],
    ['shop.example.com', 'shop.example.com', true],
    ['shop.example.com', 'www.shop.example.com', false],
  ])('%s vs Host %s → %s', (rule, host, expected) => {
    expect(hostMatches(rule, host)).toBe(expected);
  });

  it('an exact host server is chosen before a wildcard one; the Host port and case are ignored', () => {
    const ings = [
      ingress('wild', [{ host: '*.example.com', paths: [path('/', 'Prefix', 'wild')] }]),
      ingress('exact', [{ host: 'shop.example.com', paths: [path('/', 'Prefix', 'shop')] }]),
    ];
    expect(backendOf(ings, 'Shop.Example.com:30080', '/')).toBe('shop');
    expect(backendOf(ings, 'blog.example.com', '/')).toBe('wild');
    const d = routeIngress(ings, { host: 'blog.example.com', path: '/' });
    expect(d.server).toBe('*.example.com');
  });

  it('rules of several Ingresses for one host merge into one server', () => {
    const ings = [
      ingress('web', [{ host: 'shop.example.com', paths: [path('/', 'Prefix', 'web')] }]),
      ingress('api', [{ host: 'shop.example.com', paths: [path('/api', 'Prefix', 'api')] }]),
    ];
    expect(backendOf(ings, 'shop.example.com', '/api/x')).toBe('api');
    expect(routeIngress(ings, { host: 'shop.example.com', path: '/api' }).candidates).toHaveLength(2);
  });
});

describe('no match: default backends and 404', () => {
  it('a host no rule names falls to the catch-all server: 404 when no Ingress gives a default backend', () => {
    const ings = [ingress('a', [{ host: 'shop.example.com', paths: [path('/', 'Prefix', 'web')] }])];
    const d = routeIngress(ings, { host: 'other.example.com', path: '/' });
    expect(d.server).toBe('_');
    expect(d.route).toEqual({ kind: 'not-found' });
  });

  it('an Ingress with a defaultBackend and no rules serves the catch-all server', () => {
    const ings = [
      ingress('a', [{ host: 'shop.example.com', paths: [path('/', 'Prefix', 'web')] }]),
      ingress('fallback', [], { defaultBackend: { name: 'sorry', port: { number: 80 } } }),
    ];
    const d = routeIngress(ings, { host: 'other.example.com', path: '/x' });
    expect(d.route).toMatchObject({ kind: 'default-backend', ingress: 'default/fallback' });
  });

  it('an unmatched path on a host goes to that Ingress’s defaultBackend, else 404', () => {
    const withDefault = [
      ingress('a', [{ host: 'shop.example.com', paths: [path('/api', 'Exact', 'api')] }], {
        defaultBackend: { name: 'web', port: { number: 80 } },
      }),
    ];
    expect(backendOf(withDefault, 'shop.example.com', '/cart')).toBe('web');
    const without = [ingress('a', [{ host: 'shop.example.com', paths: [path('/api', 'Exact', 'api')] }])];
    expect(backendOf(without, 'shop.example.com', '/cart')).toBeNull();
  });

  it('a rule without host serves every host no other rule names', () => {
    const ings = [ingress('a', [{ host: '', paths: [path('/', 'Prefix', 'any')] }])];
    expect(backendOf(ings, 'whatever.test', '/')).toBe('any');
  });

  it('Ingresses of another class, or of none, are not served (and say why)', () => {
    const ings = [
      ingress('other', [{ host: 'shop.example.com', paths: [path('/', 'Prefix', 'web')] }], {
        ingressClassName: 'traefik',
      }),
      ingress('none', [{ host: 'shop.example.com', paths: [path('/', 'Prefix', 'web')] }], {
        ingressClassName: undefined,
      }),
    ];
    const d = routeIngress(ings, { host: 'shop.example.com', path: '/' });
    expect(d.route).toEqual({ kind: 'not-found' });
    expect(d.skipped.map((s) => s.ingress)).toEqual(['default/other', 'default/none']);
    expect(d.skipped[1]?.reason).toContain('--watch-ingress-without-class');
  });

  it('without ingressClassName, the deprecated kubernetes.io/ingress.class annotation still picks ingress-nginx', () => {
    const ings = [
      ingress('legacy', [{ host: 'shop.example.com', paths: [path('/', 'Prefix', 'web')] }], {
        ingressClassName: undefined,
        classAnnotation: 'nginx',
      }),
      ingress('theirs', [{ host: 'blog.example.com', paths: [path('/', 'Prefix', 'blog')] }], {
        ingressClassName: undefined,
        classAnnotation: 'traefik',
      }),
    ];
    expect(backendOf(ings, 'shop.example.com', '/')).toBe('web');
    const d = routeIngress(ings, { host: 'blog.example.com', path: '/' });
    expect(d.route).toEqual({ kind: 'not-found' });
    expect(d.skipped).toEqual([
      {
        ingress: 'default/theirs',
        reason: 'has the annotation kubernetes.io/ingress.class: "traefik", not "nginx"',
      },
    ]);
  });
});
