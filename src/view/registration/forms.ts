/** The panel's two forms as data: a `kubectl expose`-like Service, and a pod whose readiness flips. Pure. */
import type { ServiceInput } from '../../engine/registration';
import type { Cluster, Pod, ServiceType } from '../../model/types';

export type FormType = ServiceType | 'Headless';
export const FORM_TYPES: readonly FormType[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'Headless'];

/** What the Service form holds, as typed. */
export interface ServiceFields {
  readonly namespace: string;
  readonly name: string;
  /** `key=value`, or '' for a Service without a selector. */
  readonly selector: string;
  readonly portName: string;
  readonly port: string;
  readonly targetPort: string;
  readonly type: FormType;
}

export function namespacesOf(cluster: Cluster): string[] {
  return [...new Set(['default', ...cluster.pods.map((p) => p.namespace)])];
}

/** `key=value` pairs of the pods' labels in a namespace, the selectors the form offers. */
export function selectorOptions(cluster: Cluster, namespace: string): string[] {
  const pairs = cluster.pods
    .filter((p) => p.namespace === namespace)
    .flatMap((p) => Object.entries(p.labels).map(([k, v]) => `${k}=${v}`));
  return [...new Set(pairs)].sort();
}

function freeName(cluster: Cluster, namespace: string, wanted: string): string {
  const taken = new Set(cluster.services.filter((s) => s.namespace === namespace).map((s) => s.name));
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.has(`${wanted}-${i}`)) return `${wanted}-${i}`;
}

/**
 * A sensible first Service: a second Service for the pods the cluster's first selector-based Service already
 * serves (the seed's web pods), on port 80 to their named `http` port when they have one.
 */
export function defaultServiceFields(cluster: Cluster): ServiceFields {
  const existing = cluster.services.find(
    (s) => s.namespace === 'default' && s.selector && Object.keys(s.selector).length > 0,
  );
  const [key, value] = Object.entries(existing?.selector ?? {})[0] ?? [];
  const selector =
    key !== undefined && value !== undefined
      ? `${key}=${value}`
      : (selectorOptions(cluster, 'default')[0] ?? '');
  const base = value ?? selector.split('=')[1] ?? 'my';
  const backing = cluster.pods.find((p) => p.namespace === 'default' && matches(p, parseSelector(selector)));
  const namedHttp = backing?.containers.some((c) => c.ports.some((p) => p.name === 'http')) ?? false;
  return {
    namespace: 'default',
    name: freeName(cluster, 'default', `${base}-internal`),
    selector,
    portName: 'http',
    port: '80',
    targetPort: namedHttp ? 'http' : '80',
    type: 'ClusterIP',
  };
}

function parseSelector(text: string): Record<string, string> | null {
  const t = text.trim();
  if (t === '') return null;
  const eq = t.indexOf('=');
  return eq < 0 ? { [t]: '' } : { [t.slice(0, eq)]: t.slice(eq + 1) };
}

function matches(pod: Pod, selector: Record<string, string> | null): boolean {
  if (!selector) return false;
  return Object.entries(selector).every(([k, v]) => pod.labels[k] === v);
}

/** A port field as the API takes it: digits are a number (the API server then checks its range). */
function portNumber(text: string): number {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : Number.NaN;
}

/** The Service the form describes, as `registerService` takes it. */
export function serviceInput(f: ServiceFields): ServiceInput {
  const target = f.targetPort.trim();
  return {
    name: f.name.trim(),
    namespace: f.namespace,
    selector: parseSelector(f.selector),
    ...(f.type === 'Headless' ? { headless: true } : { type: f.type }),
    ports: [
      {
        ...(f.portName.trim() !== '' ? { name: f.portName.trim() } : {}),
        port: portNumber(f.port),
        ...(target === '' ? {} : { targetPort: /^\d+$/.test(target) ? Number(target) : target }),
      },
    ],
  };
}

/** The Service as the manifest you would apply (what the first step POSTs). */
export function serviceYaml(f: ServiceFields): string {
  const input = serviceInput(f);
  const port = input.ports[0];
  const selector = input.selector ? Object.entries(input.selector) : [];
  const lines = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${input.name}`,
    `  namespace: ${f.namespace}`,
    'spec:',
    ...(f.type === 'Headless' ? ['  clusterIP: None'] : [`  type: ${f.type}`]),
    ...(selector.length > 0 ? ['  selector:', ...selector.map(([k, v]) => `    ${k}: ${v}`)] : []),
    '  ports:',
    `    - ${port?.name !== undefined ? `name: ${port.name}\n      ` : ''}port: ${f.port.trim()}`,
    ...(port?.targetPort !== undefined ? [`      targetPort: ${String(port.targetPort)}`] : []),
  ];
  return lines.join('\n');
}

/** Pods some Service selects (and that have an address): the ones whose readiness moves an endpoint. */
export function backingPods(cluster: Cluster): Pod[] {
  return cluster.pods.filter(
    (p) =>
      p.podIP !== null &&
      cluster.services.some(
        (s) =>
          s.namespace === p.namespace &&
          s.selector !== null &&
          Object.keys(s.selector).length > 0 &&
          matches(p, s.selector),
      ),
  );
}

/** The pod the readiness story starts with: the last pod behind the first Service that selects pods. */
export function defaultReadinessPod(cluster: Cluster): Pod | undefined {
  const pods = backingPods(cluster).filter((p) => p.namespace === 'default');
  return pods.at(-1) ?? backingPods(cluster)[0];
}

/** The pod-status change the kubelet sends, as its Ready condition (an excerpt of the patch). */
export function readinessYaml(pod: Pod, ready: boolean): string {
  return [
    `# PATCH /api/v1/namespaces/${pod.namespace}/pods/${pod.name}/status (excerpt)`,
    'status:',
    '  conditions:',
    '    - type: Ready',
    `      status: "${ready ? 'True' : 'False'}"`,
  ].join('\n');
}
