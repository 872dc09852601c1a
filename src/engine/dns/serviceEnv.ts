/**
 * The other way a pod finds Services: environment variables. When kubelet starts a container it adds, for
 * every Service with a ClusterIP in the pod's namespace (and the API server's `kubernetes` Service in
 * `default`), `{SVC}_SERVICE_HOST` / `{SVC}_SERVICE_PORT` / `{SVC}_SERVICE_PORT_{PORTNAME}` and the Docker-links
 * style `{SVC}_PORT`, `{SVC}_PORT_{port}_{PROTO}[_PROTO|_PORT|_ADDR]`. Read in kubernetes/kubernetes v1.33
 * pkg/kubelet/envvars/envvars.go (FromServices, makeEnvVariableName, makeLinkVariables) and
 * pkg/kubelet/kubelet_pods.go (getServiceEnvVarMap: headless and ExternalName Services are skipped —
 * IsServiceIPSet —, enableServiceLinks gates the namespace's Services, the master Service is always added).
 * kube-netviz assumes `enableServiceLinks: true`, the API default.
 *
 * Unlike DNS, the variables are fixed when the container starts: a Service created after the pod is missing
 * from its environment until the pod is restarted.
 */
import type { Cluster, Pod, Service } from '../../model/types';

export interface EnvVar {
  readonly name: string;
  readonly value: string;
  /** `namespace/name` of the Service the variable describes. */
  readonly service: string;
}

/** Service name → variable prefix: upper case, dashes to underscores. */
export function envPrefix(serviceName: string): string {
  return serviceName.replaceAll('-', '_').toUpperCase();
}

function variablesOf(s: Service, ip: string): EnvVar[] {
  const prefix = envPrefix(s.name);
  const service = `${s.namespace}/${s.name}`;
  const first = s.ports[0];
  if (!first) return [];
  const vars: EnvVar[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip, service },
    { name: `${prefix}_SERVICE_PORT`, value: String(first.port), service },
  ];
  for (const p of s.ports) {
    if (p.name !== undefined && p.name !== '')
      vars.push({ name: `${prefix}_SERVICE_PORT_${envPrefix(p.name)}`, value: String(p.port), service });
  }
  s.ports.forEach((p, i) => {
    const proto = p.protocol.toLowerCase();
    const url = `${proto}://${ip}:${p.port}`;
    if (i === 0) vars.push({ name: `${prefix}_PORT`, value: url, service });
    const portPrefix = `${prefix}_PORT_${p.port}_${p.protocol.toUpperCase()}`;
    vars.push(
      { name: portPrefix, value: url, service },
      { name: `${portPrefix}_PROTO`, value: proto, service },
      { name: `${portPrefix}_PORT`, value: String(p.port), service },
      { name: `${portPrefix}_ADDR`, value: ip, service },
    );
  });
  return vars;
}

/** The Service variables kubelet would give a container of `pod` now, sorted by name. */
export function serviceEnvVars(cluster: Cluster, pod: Pod): readonly EnvVar[] {
  const chosen = new Map<string, Service>();
  for (const s of cluster.services) {
    // IsServiceIPSet: a ClusterIP that is neither "" nor None (so not headless, not ExternalName).
    if (s.clusterIP === null || s.headless) continue;
    const isMaster = s.namespace === 'default' && s.name === 'kubernetes';
    if (s.namespace === pod.namespace || (isMaster && !chosen.has(s.name))) chosen.set(s.name, s);
  }
  return [...chosen.values()]
    .flatMap((s) => (s.clusterIP !== null ? variablesOf(s, s.clusterIP) : []))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
