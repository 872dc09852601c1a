/**
 * The L7 routing decision of an ingress controller, as a pure function: which Ingress rule (host, then path)
 * an HTTP request matches, and which Service port it goes to.
 *
 * The controller modelled is ingress-nginx, whose choices follow the Ingress API with nginx's own server and
 * location selection:
 * - Servers (internal/ingress/controller/controller.go createServers): one nginx `server` per rule host, and
 *   the catch-all server `_` for rules without a host and for hosts no rule names. A host server's root
 *   location `/` goes to the defaultBackend of the first Ingress that names the host, else to the controller's
 *   own default backend (which answers 404). The catch-all's root goes to the defaultBackend of an Ingress
 *   that has one and no rules, else to the controller's default backend.
 * - Host (networking/v1 types.go IngressRule.Host): a precise host matches the Host header exactly; a
 *   wildcard `*.example.com` matches exactly one more label (`a.example.com`, not `a.b.example.com`, not
 *   `example.com`) — ingress-nginx writes it as the server_name regex `~^(?<subdomain>[\w-]+)\.example\.com$`
 *   (template.go buildServerName). nginx tries exact names before regexes; the Host header's port is ignored
 *   and names compare case-insensitively.
 * - Path (networking/v1 types.go PathType; Kubernetes docs "Ingress", Examples and Multiple matches): Exact
 *   matches the path exactly; Prefix matches path elements split by `/` (`/foo` matches `/foo` and `/foo/bar`,
 *   not `/foobar`; a trailing `/` on either side is ignored); the longest matching path wins, and at equal
 *   length Exact beats Prefix. ImplementationSpecific is, in ingress-nginx without `use-regex`, a plain nginx
 *   prefix location (template.go buildLocation): a character prefix, so `/foo` does match `/foobar`.
 * Case matters in paths. Regex paths (`use-regex`), rewrites and canaries are not modelled.
 */
import type { Ingress, IngressPathType, IngressServiceBackend } from '../../model/types';

/**
 * The IngressClass ingress-nginx's own manifests create (deploy/static/provider/<provider>/deploy.yaml: IngressClass `nginx`,
 * controller `k8s.io/ingress-nginx`). Without `--watch-ingress-without-class` it ignores Ingresses that name
 * no class, as the class is not marked default there.
 */
export const INGRESS_NGINX_CLASS = 'nginx';

/** The nginx server name ingress-nginx gives the catch-all server. */
export const CATCH_ALL_SERVER = '_';

export interface HttpRequestLine {
  /** The Host header (a port after `:` is ignored). */
  readonly host: string;
  /** The request target's path (a `?query` is ignored). */
  readonly path: string;
}

/** One location of the chosen server, as the decision's detail lists it. */
export interface LocationCandidate {
  readonly ingress: string;
  readonly path: string;
  readonly pathType: IngressPathType;
  readonly backend: IngressServiceBackend;
  readonly matches: boolean;
  /** The location that won (at most one). */
  readonly chosen: boolean;
}

export type IngressRoute =
  | {
      readonly kind: 'path';
      /** `namespace/name` of the Ingress the matching path belongs to. */
      readonly ingress: string;
      readonly namespace: string;
      readonly path: string;
      readonly pathType: IngressPathType;
      readonly backend: IngressServiceBackend;
    }
  | {
      /** No path matched: the server's root location, an Ingress's spec.defaultBackend. */
      readonly kind: 'default-backend';
      readonly ingress: string;
      readonly namespace: string;
      readonly backend: IngressServiceBackend;
    }
  | {
      /** No path matched and no Ingress gives a default backend: the controller answers 404 itself. */
      readonly kind: 'not-found';
    };

export interface IngressDecision {
  /** The nginx server chosen: a rule host, or `_` (the catch-all). */
  readonly server: string;
  /** How the server was chosen, in words. */
  readonly serverReason: string;
  /** The Host header as compared (lowercased, without port) and the path (without query). */
  readonly host: string;
  readonly path: string;
  readonly route: IngressRoute;
  /** Every path location of the chosen server, in input order, and whether it matches. */
  readonly candidates: readonly LocationCandidate[];
  /** Ingresses the controller does not serve (another class, or none), with why. */
  readonly skipped: readonly { readonly ingress: string; readonly reason: string }[];
}

interface Location {
  readonly ingress: Ingress;
  readonly path: string;
  readonly pathType: IngressPathType;
  readonly backend: IngressServiceBackend;
}

interface Server {
  readonly name: string;
  /** The root location's backend when no path matches (an Ingress's defaultBackend), or none: 404. */
  root: { readonly ingress: Ingress; readonly backend: IngressServiceBackend } | null;
  readonly locations: Location[];
}

const keyOf = (i: Ingress) => `${i.namespace}/${i.name}`;

/** Does the request path match an Ingress path of this type? */
export function pathMatches(pathType: IngressPathType, path: string, requestPath: string): boolean {
  switch (pathType) {
    case 'Exact':
      return requestPath === path;
    case 'Prefix': {
      // Element-wise: compare the `/`-separated elements, ignoring a trailing slash on either side.
      // ingress-nginx gets there with two nginx locations per Prefix path (controller/location.go
      // updateServerLocations): `= /foo` and the prefix `/foo/`. For a Prefix written `/foo/` it makes
      // `= /foo/` and `/foo/`, so a request for `/foo` meets nginx's auto-redirect (301 to `/foo/`, which then
      // matches) — the redirect hop is not modelled; the match is.

      const p = trimTrailingSlash(path);
      const r = trimTrailingSlash(requestPath);
      return p === '' || r === p || r.startsWith(`${p}/`);
    }
    case 'ImplementationSpecific':
      // An empty path is the root location `/` (ingress-nginx's rootLocation).
      return requestPath.startsWith(path === '' ? '/' : path);
  }
}

function trimTrailingSlash(path: string): string {
  return path.endsWith('/') ? path.replace(/\/+$/, '') : path;
}

/** The length a path competes with for "longest match" (a Prefix's trailing slash does not count). */
function matchLength(l: { readonly path: string; readonly pathType: IngressPathType }): number {
  if (l.pathType === 'Prefix') return trimTrailingSlash(l.path).length;
  return l.path === '' ? 1 : l.path.length;
}

/** Does a rule host (precise or `*.` wildcard) match the request's host? */
export function hostMatches(ruleHost: string, host: string): boolean {
  const rule = ruleHost.toLowerCase();
  if (!rule.startsWith('*.')) return rule === host;
  const suffix = rule.slice(1); // `.example.com`
  const first = host.slice(0, host.length - suffix.length);
  return host.endsWith(suffix) && /^[\w-]+$/.test(first);
}

export function normalizeHost(host: string): string {
  const trimmed = host.trim().toLowerCase();
  const colon = trimmed.lastIndexOf(':');
  const bare = colon >= 0 && /^\d*$/.test(trimmed.slice(colon + 1)) ? trimmed.slice(0, colon) : trimmed;
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

export function normalizePath(path: string): string {
  const cut = path.split(/[?#]/, 1)[0] ?? '';
  return cut === '' ? '/' : cut.startsWith('/') ? cut : `/${cut}`;
}

/**
 * The Ingresses a controller of `className` serves, and the others with why. ingress-nginx's order
 * (internal/ingress/controller/store/store.go GetIngressClass): spec.ingressClassName first, then the
 * deprecated `kubernetes.io/ingress.class` annotation (its expected value is `nginx`), else the Ingress is
 * ignored unless --watch-ingress-without-class.
 */
function servedIngresses(ingresses: readonly Ingress[], className: string) {
  const served: Ingress[] = [];
  const skipped: { ingress: string; reason: string }[] = [];
  for (const ing of ingresses) {
    const cls = ing.ingressClassName ?? ing.classAnnotation;
    if (cls === className) served.push(ing);
    else
      skipped.push({
        ingress: keyOf(ing),
        reason:
          cls === undefined
            ? `names no ingressClassName (ingress-nginx serves class "${className}" only, unless started with --watch-ingress-without-class)`
            : ing.ingressClassName === undefined
              ? `has the annotation kubernetes.io/ingress.class: "${cls}", not "${className}"`
              : `is for class "${cls}", not "${className}"`,
      });
  }
  return { served, skipped };
}

/** ingress-nginx's servers for the Ingresses it serves, in the order it builds them. */
function buildServers(ingresses: readonly Ingress[]): Map<string, Server> {
  const servers = new Map<string, Server>();
  const catchAll: Server = { name: CATCH_ALL_SERVER, root: null, locations: [] };
  servers.set(CATCH_ALL_SERVER, catchAll);
  for (const ing of ingresses) {
    // An Ingress with a backend and no rules configures the catch-all server (the first one does).
    if (ing.defaultBackend && ing.rules.length === 0 && catchAll.root === null) {
      catchAll.root = { ingress: ing, backend: ing.defaultBackend };
    }
    for (const rule of ing.rules) {
      const name = rule.host === '' ? CATCH_ALL_SERVER : rule.host.toLowerCase();
      let server = servers.get(name);
      if (!server) {
        server = {
          name,
          root: ing.defaultBackend ? { ingress: ing, backend: ing.defaultBackend } : null,
          locations: [],
        };
        servers.set(name, server);
      }
      for (const p of rule.paths) {
        const path = p.pathType === 'ImplementationSpecific' && p.path === '' ? '/' : p.path;
        // The first Ingress to define a path (and type) on a server keeps it; later duplicates are skipped.
        if (server.locations.some((l) => l.path === path && l.pathType === p.pathType)) continue;
        server.locations.push({ ingress: ing, path, pathType: p.pathType, backend: p.backend });
      }
    }
  }
  return servers;
}

function chooseServer(servers: Map<string, Server>, host: string): { server: Server; reason: string } {
  const exact = host === '' ? undefined : servers.get(host);
  if (exact && !exact.name.startsWith('*.') && exact.name !== CATCH_ALL_SERVER) {
    return { server: exact, reason: `the Host header ${host} equals the rule host` };
  }
  for (const server of servers.values()) {
    if (server.name.startsWith('*.') && hostMatches(server.name, host)) {
      return {
        server,
        reason: `${host} matches the wildcard ${server.name} (one label in place of *)`,
      };
    }
  }
  const catchAll = servers.get(CATCH_ALL_SERVER);
  if (!catchAll) throw new Error('ingress: no catch-all server');
  return {
    server: catchAll,
    reason:
      host === ''
        ? 'the request has no Host header: the catch-all server _'
        : `no rule names the host ${host}: the catch-all server _`,
  };
}

/**
 * Routes one HTTP request through the Ingresses of `className` (ingress-nginx's `nginx` by default).
 * Pure: the same Ingresses and request always give the same decision.
 */
export function routeIngress(
  ingresses: readonly Ingress[],
  request: HttpRequestLine,
  className: string = INGRESS_NGINX_CLASS,
): IngressDecision {
  const host = normalizeHost(request.host);
  const path = normalizePath(request.path);
  const { served, skipped } = servedIngresses(ingresses, className);
  const servers = buildServers(served);
  const { server, reason } = chooseServer(servers, host);
  const matching = server.locations.map((l) => pathMatches(l.pathType, l.path, path));
  let best: Location | undefined;
  server.locations.forEach((l, i) => {
    if (!matching[i]) return;
    if (!best) {
      best = l;
      return;
    }
    const length = matchLength(l);
    const bestLength = matchLength(best);
    // Longest match wins; at equal length Exact beats Prefix (and the first defined keeps its place).
    if (
      length > bestLength ||
      (length === bestLength && l.pathType === 'Exact' && best.pathType !== 'Exact')
    ) {
      best = l;
    }
  });
  const candidates: LocationCandidate[] = server.locations.map((l, i) => ({
    ingress: keyOf(l.ingress),
    path: l.path,
    pathType: l.pathType,
    backend: l.backend,
    matches: matching[i] ?? false,
    chosen: l === best,
  }));
  const route: IngressRoute = best
    ? {
        kind: 'path',
        ingress: keyOf(best.ingress),
        namespace: best.ingress.namespace,
        path: best.path,
        pathType: best.pathType,
        backend: best.backend,
      }
    : server.root
      ? {
          kind: 'default-backend',
          ingress: keyOf(server.root.ingress),
          namespace: server.root.ingress.namespace,
          backend: server.root.backend,
        }
      : { kind: 'not-found' };
  return { server: server.name, serverReason: reason, host, path, route, candidates, skipped };
}

/** `api-svc:80` or `api-svc:http`. */
export function backendText(b: IngressServiceBackend): string {
  return `${b.name}:${'number' in b.port ? b.port.number : b.port.name}`;
}
