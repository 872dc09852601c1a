/**
 * The engine from the command line, for docs authors, CI and checking kube-netviz against a real node:
 *
 *   npm run --silent netviz -- rules --mode iptables --node node-1 [FILE...]
 *   npm run --silent netviz -- trace --from default/client --to web-svc [--json] [FILE...]
 *   npm run --silent netviz -- dns --from default/client web-svc [FILE...]
 *
 * FILE: Kubernetes YAML or `kubectl get -o json` output; none → the built-in default cluster.
 * Bad input: a message on stderr and exit code 2.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { proxyModeModule, PROXY_MODES } from '../engine/proxy';
import '../engine/proxy/all';
import { buildIptablesRuleset } from '../engine/proxy/iptables/ruleset';
import { linesToText, renderIptablesRestore } from '../engine/render/iptablesSave';
import { trace, TraceInputError, type Step, type Trace } from '../engine/trace';
import type { TraceClient } from '../engine/trace/types';
import { parseManifestText, readObjects } from '../manifests';
import { NetvizError } from '../model/errors';
import { resolveCluster } from '../model/resolve';
import type { Cluster, ProxyMode } from '../model/types';
import { SCENARIO_CATALOG, scenarioMeta } from '../scenarios/catalog';
import { loadScenario, scenarios } from '../scenarios/load';

class UsageError extends Error {}

const USAGE = `usage: netviz <command> [options] [FILE...]

commands:
  rules --mode userspace|iptables|ipvs|nftables --node NAME [--format save|restore]
        [--cluster-cidr CIDR] [--service-cidr CIDR]
        print the ruleset kube-proxy programs on that node
  trace --from NS/POD|IP --to NAME|IP [--port N] [--protocol tcp|udp] [--host H] [--path P]
        [--mode M] [--seed N] [--json]
        every hop of a request and its reply (an IP in --from is a client outside the cluster;
        --host/--path make it an HTTP request, as an ingress controller routes it)
  trace --scenario ID [same options]
        a built-in scenario's request (each option given replaces the scenario's own)
  dns   --from NS/POD NAME
        the DNS queries the pod's resolver sends, in order, and the answers

FILE: Kubernetes YAML or kubectl JSON (none: the built-in default cluster, or --scenario ID's)
--scenario ID: one of the app's built-in scenarios (${SCENARIO_CATALOG.map((s) => s.id).join(', ')})`;

interface Loaded {
  readonly docs: readonly unknown[];
  /** Names an error's place in the user's files. */
  readonly where: (e: NetvizError) => string;
}

async function readFiles(files: readonly string[]): Promise<Loaded> {
  const docs: unknown[] = [];
  const origins: { file: string; first: number }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const parsed = await parseManifestText(text);
    if (parsed.errors.length > 0)
      throw new UsageError(parsed.errors.map((e) => `${file}: ${e.describe()}`).join('\n'));
    origins.push({ file, first: docs.length + 1 });
    docs.push(...parsed.docs);
  }
  const where = (e: NetvizError) => {
    const doc = e.source?.document;
    const origin = doc === undefined ? undefined : [...origins].reverse().find((o) => o.first <= doc);
    if (doc === undefined || !origin) return e.describe();
    const local = new NetvizError(e.code, e.message, {
      source: { document: doc - origin.first + 1, path: e.source?.path ?? '' },
      ...(e.field !== undefined ? { field: e.field } : {}),
    });
    return `${origin.file}: ${local.describe()}`;
  };
  return { docs, where };
}

async function loadCluster(
  files: readonly string[],
  overrides: { clusterCIDR?: string; serviceCIDR?: string },
  warn: (s: string) => void,
): Promise<Cluster> {
  if (files.length === 0 && overrides.clusterCIDR === undefined && overrides.serviceCIDR === undefined) {
    return loadScenario('default');
  }
  const { docs, where }: Loaded =
    files.length > 0
      ? await readFiles(files)
      : { docs: scenarios[0]?.documents ?? [], where: (e) => e.describe() };
  const read = readObjects(docs);
  if (read.errors.length > 0) throw new UsageError(read.errors.map(where).join('\n'));
  for (const ignored of read.ignored) {
    warn(
      `note: ignored ${ignored.kind}${ignored.name !== undefined ? ` ${ignored.name}` : ''}: ${ignored.reason}\n`,
    );
  }
  const network = {
    ...read.draft.network,
    ...(overrides.clusterCIDR !== undefined ? { clusterCIDR: overrides.clusterCIDR } : {}),
    ...(overrides.serviceCIDR !== undefined ? { serviceCIDR: overrides.serviceCIDR } : {}),
  };
  const resolved = resolveCluster({ ...read.draft, network });
  if (!resolved.ok) throw new UsageError(resolved.errors.map(where).join('\n'));
  return resolved.cluster;
}

function parseMode(value: string | undefined, fallback: ProxyMode): ProxyMode {
  if (value === undefined) return fallback;
  if (!(PROXY_MODES as readonly string[]).includes(value)) {
    throw new UsageError(`--mode must be one of ${PROXY_MODES.join(', ')} (got "${value}")`);
  }
  return value as ProxyMode;
}

function parsePodRef(value: string | undefined): { namespace: string; name: string } {
  if (value === undefined) throw new UsageError('--from NS/POD is required');
  const [namespace, name, extra] = value.split('/');
  if (
    namespace === undefined ||
    name === undefined ||
    extra !== undefined ||
    namespace === '' ||
    name === ''
  ) {
    throw new UsageError(`--from must be NAMESPACE/POD (got "${value}")`);
  }
  return { namespace, name };
}

/** `--from`: a pod as NAMESPACE/POD, or an IPv4 address for a client outside the cluster. */
function parseClient(value: string | undefined): TraceClient {
  if (value !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
    if (value.split('.').some((o) => Number(o) > 255))
      throw new UsageError(`--from ${value} is not an IPv4 address`);
    return { kind: 'external', ip: value };
  }
  return { kind: 'pod', ...parsePodRef(value) };
}

/** `--path`: an absolute HTTP path. */
function parsePath(value: string): string {
  if (!value.startsWith('/') || /\s/.test(value))
    throw new UsageError(`--path must start with / and hold no spaces (got "${value}")`);
  return value;
}

function parseNumber(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

/** The JSON shape documented in the README (stable for scripts). */
export function traceToJson(t: Trace) {
  return {
    mode: t.mode,
    outcome: t.outcome,
    steps: t.steps.map((s: Step) => ({
      index: s.index,
      phase: s.phase,
      kind: s.kind,
      location: {
        ...(s.location.node !== undefined ? { node: s.location.node } : {}),
        netns: s.location.netns,
        ...(s.location.device !== undefined ? { device: s.location.device } : {}),
        space: s.location.space,
      },
      packet: {
        protocol: s.packet.protocol,
        src: s.packet.src,
        sport: s.packet.sport,
        dst: s.packet.dst,
        dport: s.packet.dport,
        ttl: s.packet.ttl,
      },
      ...(s.rewrite ? { rewrite: { field: s.rewrite.field, from: s.rewrite.from, to: s.rewrite.to } } : {}),
      ...(s.rule
        ? {
            rule: {
              ...(s.rule.table !== undefined ? { table: s.rule.table } : {}),
              ...(s.rule.chain !== undefined ? { chain: s.rule.chain } : {}),
              text: s.rule.text,
            },
          }
        : {}),
      caption: s.caption,
    })),
  };
}

function printTrace(t: Trace): string {
  const lines = [`kube-proxy mode: ${t.mode}`];
  let phase = '';
  for (const s of t.steps) {
    if (s.phase !== phase) {
      phase = s.phase;
      lines.push('', `== ${phase} ==`);
    }
    const where = s.location.node ?? s.location.netns;
    const packet = `${s.packet.protocol} ${s.packet.src}:${s.packet.sport} → ${s.packet.dst}:${s.packet.dport}`;
    lines.push(`${String(s.index).padStart(3)}  ${s.kind.padEnd(11)} ${where.padEnd(10)} ${packet}`);
    lines.push(`     ${s.caption}`);
    if (s.rewrite)
      lines.push(`     rewrite ${s.rewrite.field}: ${s.rewrite.from} → ${s.rewrite.to} (${s.rewrite.by})`);
    if (s.rule) lines.push(`     rule: ${s.rule.text}`);
  }
  lines.push(
    '',
    t.outcome.status === 'delivered' ? 'outcome: delivered' : `outcome: dropped — ${t.outcome.reason}`,
  );
  return lines.join('\n') + '\n';
}

function printDns(t: Trace): string {
  const lines: string[] = [];
  let n = 0;
  for (const s of t.steps.filter((x) => x.phase === 'dns')) {
    if (s.kind === 'hosts-lookup') lines.push(`/etc/hosts: ${s.caption}`);
    if (s.kind === 'dns-query') {
      n += 1;
      lines.push(
        `query ${n}: ${s.packet.payload.replace('DNS query ', '')} → ${s.packet.dst}:${s.packet.dport}`,
      );
    }
    if (s.kind === 'dns-answer')
      lines.push(
        `  answer: ${s.packet.payload.replace('DNS answer ', '')}${s.rule ? `  (${s.rule.text})` : ''}`,
      );
  }
  lines.push(
    t.resolved?.address
      ? `resolved: ${t.resolved.address}`
      : `not resolved: ${t.outcome.status === 'dropped' ? t.outcome.reason : ''}`,
  );
  return lines.join('\n') + '\n';
}

export async function run(
  argv: readonly string[],
  out: (s: string) => void,
  warn: (s: string) => void = () => undefined,
): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE + '\n');
    return;
  }
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    strict: true,
    options: {
      mode: { type: 'string' },
      node: { type: 'string' },
      format: { type: 'string' },
      'cluster-cidr': { type: 'string' },
      'service-cidr': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      port: { type: 'string' },
      protocol: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      scenario: { type: 'string' },
      host: { type: 'string' },
      path: { type: 'string' },
    },
  });
  switch (command) {
    case 'rules': {
      const cluster = await loadCluster(
        positionals,
        {
          ...(values['cluster-cidr'] !== undefined ? { clusterCIDR: values['cluster-cidr'] } : {}),
          ...(values['service-cidr'] !== undefined ? { serviceCIDR: values['service-cidr'] } : {}),
        },
        warn,
      );
      const mode = parseMode(values.mode, cluster.network.proxyMode);
      const node = values.node ?? cluster.nodes[0]?.name;
      if (node === undefined) throw new UsageError('--node NAME is required (the cluster has no nodes)');
      if (!cluster.nodes.some((n) => n.name === node)) {
        throw new UsageError(
          `no node "${node}" in the cluster (nodes: ${cluster.nodes.map((n) => n.name).join(', ')})`,
        );
      }
      const format = values.format ?? 'save';
      if (format !== 'save' && format !== 'restore') throw new UsageError('--format must be save or restore');
      if (format === 'restore') {
        if (mode !== 'iptables') throw new UsageError('--format restore is only for --mode iptables');
        out(linesToText(renderIptablesRestore(buildIptablesRuleset(cluster, node))));
        return;
      }
      const view = proxyModeModule(mode).build(cluster, node).rules();
      const many = view.sections.length > 1;
      for (const section of view.sections) {
        if (many) out(`# ${section.command}\n`);
        out(section.lines.map((l) => `${l.text}\n`).join(''));
        if (many) out('\n');
      }
      return;
    }
    case 'trace': {
      const meta = values.scenario !== undefined ? scenarioMeta(values.scenario) : undefined;
      if (values.scenario !== undefined && !meta) {
        throw new UsageError(
          `no built-in scenario "${values.scenario}" (scenarios: ${SCENARIO_CATALOG.map((x) => x.id).join(', ')})`,
        );
      }
      if (meta && positionals.length > 0) throw new UsageError('give either --scenario or FILEs, not both');
      const cluster = meta ? loadScenario(meta.id) : await loadCluster(positionals, {}, warn);
      const base = meta?.request;
      const from = values.from !== undefined || !base ? parseClient(values.from) : base.from;
      const to = values.to ?? base?.to;
      if (to === undefined) throw new UsageError('--to NAME|IP is required');
      const protocol = values.protocol?.toUpperCase();
      if (protocol !== undefined && protocol !== 'TCP' && protocol !== 'UDP') {
        throw new UsageError(`--protocol must be tcp or udp (got "${values.protocol}")`);
      }
      const port =
        parseNumber(values.port, '--port', 1, 65535) ?? (values.to === undefined ? base?.port : undefined);
      const seed = parseNumber(values.seed, '--seed', 0, 2 ** 32 - 1);
      const http =
        values.host !== undefined || values.path !== undefined
          ? { host: values.host ?? to, path: parsePath(values.path ?? '/') }
          : values.to === undefined
            ? base?.http
            : undefined;
      const t = trace(
        cluster,
        {
          from,
          to,
          ...(port !== undefined ? { port } : {}),
          ...(protocol !== undefined ? { protocol } : {}),
          ...(http !== undefined ? { http } : {}),
        },
        {
          mode: parseMode(values.mode, meta?.mode ?? cluster.network.proxyMode),
          ...(seed !== undefined ? { seed } : {}),
          ...(meta?.deadEndpoints ? { deadEndpoints: meta.deadEndpoints } : {}),
        },
      );
      out(values.json === true ? JSON.stringify(traceToJson(t), null, 2) + '\n' : printTrace(t));
      return;
    }
    case 'dns': {
      const name = positionals[0];
      if (name === undefined) throw new UsageError('dns needs a NAME to look up');
      const cluster = await loadCluster(positionals.slice(1), {}, warn);
      const from = parsePodRef(values.from);
      const t = trace(cluster, { from: { kind: 'pod', ...from }, to: name });
      out(printDns(t));
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

/** Runs the CLI; returns the exit code (0 ok, 2 bad input). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await run(
      argv,
      (s) => process.stdout.write(s),
      (s) => process.stderr.write(s),
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof TraceInputError || e instanceof NetvizError) {
      process.stderr.write(`netviz: ${e instanceof NetvizError ? e.describe() : e.message}\n`);
      return 2;
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`netviz: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}
