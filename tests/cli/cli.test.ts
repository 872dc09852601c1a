import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, run } from '../../src/cli/main';

async function capture(args: string[]): Promise<string> {
  let out = '';
  await run(args, (s) => {
    out += s;
  });
  return out;
}

describe('netviz CLI', () => {
  it('trace --json has the documented shape and shows DNS, trap, delivery and reply', async () => {
    const json = JSON.parse(
      await capture(['trace', '--from', 'default/client', '--to', 'web-svc', '--json']),
    ) as {
      mode: string;
      outcome: { status: string };
      steps: {
        phase: string;
        kind: string;
        rewrite?: { field: string; from: string; to: string };
        packet: { src: string; sport: number };
        location: { space: string };
      }[];
    };
    expect(json.mode).toBe('iptables');
    expect(json.outcome.status).toBe('delivered');
    expect(json.steps.some((s) => s.phase === 'dns' && s.rewrite?.to === '10.0.2.3:53')).toBe(true);
    const trap = json.steps.find((s) => s.phase === 'request' && s.rewrite?.field === 'dst');
    expect(trap?.rewrite?.from).toBe('10.3.241.152:80');
    expect(trap?.rewrite?.to).toMatch(/^10\.0\.[12]\.2:8080$/);
    const last = json.steps.at(-1);
    expect(`${last?.packet.src}:${last?.packet.sport}`).toBe('10.3.241.152:80');
    expect(Object.keys(json.steps[0] ?? {})).toEqual([
      'index',
      'phase',
      'kind',
      'location',
      'packet',
      'caption',
    ]);
  });

  it('rules prints kube-proxy chains for the node', async () => {
    const text = await capture(['rules', '--mode', 'iptables', '--node', 'node-1']);
    expect(text).toContain(
      '-A KUBE-SERVICES -d 10.3.241.152/32 -p tcp -m comment --comment "default/web-svc:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-',
    );
    expect(text).toContain('-A KUBE-SVC-TCOU7JCQXEZGVUNU');
    const restore = await capture(['rules', '--mode', 'iptables', '--node', 'node-1', '--format', 'restore']);
    expect(restore.startsWith('*filter\n')).toBe(true);
  });

  it('rules honours --cluster-cidr', async () => {
    const text = await capture([
      'rules',
      '--node',
      'node-1',
      '--cluster-cidr',
      '10.0.0.0/15',
      '--service-cidr',
      '10.3.240.0/20',
    ]);
    expect(text).toContain('! -s 10.0.0.0/15');
  });

  it('dns prints the queries in order and the answer', async () => {
    const text = await capture(['dns', '--from', 'default/client', 'kube-dns.kube-system']);
    expect(text).toContain('query 1: A kube-dns.kube-system.default.svc.cluster.local.');
    expect(text).toContain('query 2: A kube-dns.kube-system.svc.cluster.local.');
    expect(text).toContain('resolved: 10.3.240.10');
  });

  it('reads manifests from files and reports bad input with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netviz-cli-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: eighty\n',
    );
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      errors.push(s);
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await main(['rules', '--node', 'node-1', bad])).toBe(2);
      expect(await main(['trace', '--from', 'client', '--to', 'web-svc'])).toBe(2);
      expect(await main(['rules', '--mode', 'bogus'])).toBe(2);
      expect(await main(['frobnicate'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toContain('bad.yaml: document 1, spec.ports[0].port');
    expect(errors.join('')).toContain('--from must be NAMESPACE/POD');
  });
});

describe('netviz trace with built-in scenarios, outside clients and HTTP', () => {
  type Json = { outcome: { status: string }; steps: { kind: string; caption: string }[] };
  const traceJson = async (args: string[]) => JSON.parse(await capture(['trace', ...args, '--json'])) as Json;

  it("--scenario ingress traces the scenario's own request to the L7 decision and the api pod", async () => {
    const t = await traceJson(['--scenario', 'ingress']);
    expect(t.outcome.status).toBe('delivered');
    const decision = t.steps.find((s) => s.kind === 'ingress');
    expect(decision?.caption).toMatch(/\/api/);
  });

  it('--host/--path replace its HTTP request: a host no rule names gets NGINX 404', async () => {
    const t = await traceJson(['--scenario', 'ingress', '--host', 'other.example.com', '--path', '/']);
    const decision = t.steps.find((s) => s.kind === 'ingress');
    expect(decision?.caption).toMatch(/404/);
  });

  it('--from IP is a client outside the cluster (a NodePort of the nodeport scenario)', async () => {
    const t = await traceJson(['--scenario', 'nodeport', '--from', '198.51.100.77']);
    expect(t.outcome.status).toBe('delivered');
    expect(t.steps[0]?.caption).toContain('198.51.100.77');
  });

  it('says which scenarios exist, and refuses a bad path', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      errors.push(s);
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await main(['trace', '--scenario', 'nope'])).toBe(2);
      expect(await main(['trace', '--scenario', 'ingress', '--path', 'api'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toMatch(/no built-in scenario "nope" \(scenarios: default, .*ingress/);
    expect(errors.join('')).toContain('--path must start with /');
  });
});
