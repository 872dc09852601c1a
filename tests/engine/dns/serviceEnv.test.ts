import { describe, expect, it } from 'vitest';
import { envPrefix, serviceEnvVars } from '../../../src/engine/dns/serviceEnv';
import type { Cluster, Service } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';

const seed = defaultCluster();
const client = seed.pods.find((p) => p.name === 'client');
if (!client) throw new Error('no client pod');
const env = (c: Cluster = seed) =>
  Object.fromEntries(serviceEnvVars(c, client).map((v) => [v.name, v.value]));

describe('service environment variables (kubelet envvars)', () => {
  it("gives a pod its namespace's Services in both styles, named ports included", () => {
    const vars = env();
    expect(vars.WEB_SVC_SERVICE_HOST).toBe('10.3.241.152');
    expect(vars.WEB_SVC_SERVICE_PORT).toBe('80');
    expect(vars.WEB_SVC_SERVICE_PORT_HTTP).toBe('80');
    expect(vars.WEB_SVC_PORT).toBe('tcp://10.3.241.152:80');
    expect(vars.WEB_SVC_PORT_80_TCP).toBe('tcp://10.3.241.152:80');
    expect(vars.WEB_SVC_PORT_80_TCP_PROTO).toBe('tcp');
    expect(vars.WEB_SVC_PORT_80_TCP_PORT).toBe('80');
    expect(vars.WEB_SVC_PORT_80_TCP_ADDR).toBe('10.3.241.152');
    // kube-dns lives in kube-system: a default-namespace pod does not get its variables.
    expect(Object.keys(vars).some((k) => k.startsWith('KUBE_DNS'))).toBe(false);
  });

  it('skips headless and ExternalName Services and always adds the kubernetes Service', () => {
    const web = seed.services.find((s) => s.name === 'web-svc') as Service;
    const headless: Service = { ...web, name: 'web-headless', clusterIP: null, headless: true };
    const external: Service = {
      ...web,
      name: 'db',
      type: 'ExternalName',
      clusterIP: null,
      externalName: 'db.example.com',
    };
    const master: Service = {
      ...web,
      name: 'kubernetes',
      namespace: 'default',
      clusterIP: '10.3.240.1',
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }],
    };
    const vars = env({ ...seed, services: [...seed.services, headless, external, master] });
    expect(Object.keys(vars).some((k) => k.startsWith('WEB_HEADLESS') || k.startsWith('DB_'))).toBe(false);
    expect(vars.KUBERNETES_SERVICE_HOST).toBe('10.3.240.1');
    expect(vars.KUBERNETES_SERVICE_PORT_HTTPS).toBe('443');
  });

  it('upper-cases and turns dashes into underscores, sorted by name', () => {
    expect(envPrefix('my-nginx')).toBe('MY_NGINX');
    const names = serviceEnvVars(seed, client).map((v) => v.name);
    expect(names).toEqual([...names].sort());
  });
});
