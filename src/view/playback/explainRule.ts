/**
 * Plain-words explanations of ruleset lines as the rules panel prints them: iptables-save, ipvsadm -Ln and
 * nft list. Good for the shapes kube-proxy writes (pkg/proxy/iptables, pkg/proxy/ipvs, pkg/proxy/nftables),
 * with a generic fallback for anything else.
 */

/** Everything the explainer may look at besides the line: the other lines of the same ruleset. */
export interface RuleContext {
  readonly command: string;
  readonly lines: readonly string[];
}

const IPVS_SCHEDULERS: Record<string, string> = {
  rr: 'round robin',
  wrr: 'weighted round robin',
  lc: 'least connection',
  wlc: 'weighted least connection',
  lblc: 'locality-based least connection',
  lblcr: 'locality-based least connection with replication',
  dh: 'destination hashing',
  sh: 'source hashing',
  sed: 'shortest expected delay',
  nq: 'never queue',
  mh: 'maglev hashing',
};

export function explainRule(text: string, ctx: RuleContext): string {
  const line = text.trim();
  if (line === '') return 'An empty line.';
  if (ctx.command.startsWith('ipvsadm')) return explainIpvs(line);
  if (ctx.command.startsWith('nft')) return explainNft(line);
  if (ctx.command.startsWith('iptables')) return explainIptables(line, ctx);
  if (ctx.command.startsWith('ipset')) return explainIpset(line);
  if (ctx.command.startsWith('ip addr'))
    return /^inet /.test(line)
      ? `The address ${line.split(/\s+/)[1] ?? ''} sits on the dummy interface kube-ipvs0, so the node's kernel treats every ClusterIP as local and IPVS sees the packets in INPUT.`
      : 'Output of ip addr for kube-ipvs0, the dummy interface kube-proxy puts every ClusterIP on.';
  return `A line of \`${ctx.command}\` output.`;
}

// ---------------------------------------------------------------------------------------------------------
// iptables-save

/** Splits an iptables-save line into words, keeping "quoted strings" together. */
export function iptablesWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) words.push(m[1] ?? m[2] ?? '');
  return words;
}

interface IptablesRule {
  chain: string;
  conditions: string[];
  comment?: string;
  target?: string;
  targetArgs: Map<string, string>;
  probability?: string;
}

function parseIptables(line: string): IptablesRule | null {
  const w = iptablesWords(line);
  if (w[0] !== '-A' || w[1] === undefined) return null;
  const rule: IptablesRule = { chain: w[1], conditions: [], targetArgs: new Map() };
  let negate = false;
  for (let i = 2; i < w.length; i += 1) {
    const word = w[i] ?? '';
    const next = w[i + 1] ?? '';
    const not = negate ? 'not ' : '';
    if (word === '!') {
      negate = true;
      continue;
    }
    if (rule.target !== undefined) {
      if (word.startsWith('--')) {
        const value = next.startsWith('--') || next === '' ? '' : next;
        rule.targetArgs.set(word, value);
        if (value !== '') i += 1;
      }
      continue;
    }
    switch (word) {
      case '-s':
        rule.conditions.push(`the source is ${not}${next}`);
        i += 1;
        break;
      case '-d':
        rule.conditions.push(`the destination is ${not}${next}`);
        i += 1;
        break;
      case '-p':
        rule.conditions.push(`the protocol is ${not}${next.toUpperCase()}`);
        i += 1;
        break;
      case '-i':
        rule.conditions.push(`it came in ${not ? 'not ' : ''}on ${next}`);
        i += 1;
        break;
      case '-o':
        rule.conditions.push(`it leaves ${not ? 'not ' : ''}by ${next}`);
        i += 1;
        break;
      case '--dport':
        rule.conditions.push(`the destination port is ${not}${next}`);
        i += 1;
        break;
      case '--comment':
        rule.comment = next;
        i += 1;
        break;
      case '--mark':
        rule.conditions.push(
          not
            ? `the packet does not carry the mark ${next}${next.startsWith('0x4000') ? " (kube-proxy's masquerade bit)" : ''}`
            : `the packet carries the mark ${next}${next.startsWith('0x4000') ? " (kube-proxy's masquerade bit)" : ''}`,
        );
        i += 1;
        break;
      case '--probability':
        rule.probability = next;
        i += 1;
        break;
      case '--match-set':
        rule.conditions.push(`the packet ${not ? 'is not' : 'is'} in the ipset ${next} (${w[i + 2] ?? ''})`);
        i += 2;
        break;
      case '--dst-type':
        rule.conditions.push(`the destination is ${not}a ${next} address of this node`);
        i += 1;
        break;
      case '--ctstate':
        rule.conditions.push(`the conntrack state is ${not}${next}`);
        i += 1;
        break;
      case '-j':
      case '-g':
        rule.target = next;
        i += 1;
        break;
      default:
        break;
    }
    negate = false;
  }
  return rule;
}

/** The DNAT target of a KUBE-SEP-… chain, looked up in the same ruleset. */
function dnatOfChain(chain: string, lines: readonly string[]): string | null {
  for (const l of lines) {
    if (!l.startsWith(`-A ${chain} `)) continue;
    const m = /--to-destination (\S+)/.exec(l);
    if (m?.[1] !== undefined) return m[1];
  }
  return null;
}

function explainIptables(line: string, ctx: RuleContext): string {
  if (line.startsWith('#')) return 'A comment iptables-save writes around each table.';
  if (line === 'COMMIT') return 'COMMIT ends the table: iptables-restore applies everything above at once.';
  const table = /^\*(\w+)/.exec(line);
  if (table) return `The ${table[1]} table starts here; the lines below belong to it until COMMIT.`;
  const decl = /^:(\S+) (\S+)/.exec(line);
  if (decl) {
    const [, chain = '', policy = ''] = decl;
    return policy === '-'
      ? `Declares the chain ${chain}, a chain kube-proxy created; rules jump to it.`
      : `The built-in chain ${chain}; packets no rule decides about get its policy, ${policy}.`;
  }
  const rule = parseIptables(line);
  if (!rule) return `An iptables-save line.`;

  const where = rule.conditions.length > 0 ? ` where ${rule.conditions.join(', ')}` : '';
  const about = rule.comment !== undefined ? ` (“${rule.comment}”)` : '';
  const who =
    rule.probability !== undefined
      ? `${formatPercent(Number(rule.probability))} of the new connections that get here (probability ${rule.probability})${where}`
      : where !== ''
        ? `packets${where}`
        : 'all packets that get here';
  const prefix = `In chain ${rule.chain}${about}: ${who}`;
  const target = rule.target ?? '';
  switch (target) {
    case '':
      return `${prefix} are counted; the rule has no target.`;
    case 'DNAT':
      return `${prefix} get their destination rewritten to ${rule.targetArgs.get('--to-destination') ?? '?'} (DNAT) — conntrack remembers it and rewrites the replies back.`;
    case 'REDIRECT':
      return `${prefix} are redirected to port ${rule.targetArgs.get('--to-ports') ?? '?'} on this node, where userspace kube-proxy listens.`;
    case 'MASQUERADE':
      return `${prefix} leave with the source rewritten to the outgoing interface's address (MASQUERADE${rule.targetArgs.has('--random-fully') ? ', source ports chosen fully at random' : ''}), so replies come back through this node.`;
    case 'SNAT':
      return `${prefix} get their source rewritten to ${rule.targetArgs.get('--to-source') ?? '?'} (SNAT).`;
    case 'MARK': {
      const xmark = rule.targetArgs.get('--set-xmark') ?? '';
      if (xmark === '0x4000/0x4000')
        return `${prefix} get kube-proxy's masquerade mark 0x4000, so POSTROUTING will MASQUERADE them.`;
      if (xmark === '0x4000/0x0')
        return `${prefix} get the 0x4000 bit cleared again (XOR), so a packet that is re-routed is not masqueraded twice.`;
      return `${prefix} get their mark set (${xmark}).`;
    }
    case 'RETURN':
      return rule.conditions.some((c) => c.includes('does not carry the mark'))
        ? `${prefix} — packets without kube-proxy's masquerade mark — leave this chain unchanged (RETURN).`
        : `${prefix} return to the chain that jumped here (RETURN).`;
    case 'ACCEPT':
      return `${prefix} are accepted: no further rule in this table looks at them.`;
    case 'DROP':
      return `${prefix} are dropped silently.`;
    case 'REJECT':
      return `${prefix} are rejected: the sender gets an ICMP error${rule.comment?.includes('no endpoints') === true ? ' because the Service has no endpoints' : ''}.`;
    case 'KUBE-MARK-MASQ':
      return `${prefix} jump to KUBE-MARK-MASQ, which sets the 0x4000 mark so the packet is masqueraded on the way out.`;
    default: {
      if (target.startsWith('KUBE-SEP-')) {
        const to = dnatOfChain(target, ctx.lines);
        return `${prefix} jump to ${target}${to ? `, which DNATs to ${to}` : ''} — this endpoint is chosen.`;
      }
      if (target.startsWith('KUBE-SVC-') || target.startsWith('KUBE-EXT-'))
        return `${prefix} jump to ${target}, the chain that load-balances this Service port over its endpoints.`;
      return `${prefix} jump to the chain ${target}.`;
    }
  }
}

function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return '?';
  const pct = p * 100;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1)}%`;
}

// ---------------------------------------------------------------------------------------------------------
// ipvsadm -Ln

function explainIpvs(line: string): string {
  const vs = /^(TCP|UDP|SCTP)\s+(\S+)\s+(\S+)(.*)$/.exec(line);
  if (vs) {
    const [, proto = '', addr = '', sched = '', rest = ''] = vs;
    const persistent = /persistent (\d+)/.exec(rest);
    return (
      `Virtual server ${proto} ${addr}: IPVS intercepts connections to this address and picks a real server ` +
      `by ${IPVS_SCHEDULERS[sched] ?? sched} (${sched})` +
      (persistent
        ? `, keeping a client on the same real server for ${persistent[1]} s (session affinity)`
        : '') +
      '.'
    );
  }
  const rs = /^->\s+(\d\S*)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line);
  if (rs) {
    const [, addr = '', forward = '', weight = '', active = '', inactive = ''] = rs;
    const how =
      forward === 'Masq' ? 'NAT (Masq): the destination is rewritten to it' : `forwarding method ${forward}`;
    return `Real server ${addr} of the virtual server above: ${how}; weight ${weight}, ${active} active and ${inactive} inactive connections.`;
  }
  if (line.startsWith('IP Virtual Server')) return 'ipvsadm prints the kernel IPVS version and table size.';
  if (line.startsWith('Prot') || line.startsWith('->'))
    return 'Column headings: virtual servers (protocol, address:port, scheduler), then their real servers indented with "->".';
  return 'A line of ipvsadm -Ln output.';
}

// ---------------------------------------------------------------------------------------------------------
// nft list

function explainNft(line: string): string {
  const l = line.replace(/,$/, '');
  let m = /^table (\w+) (\S+)/.exec(l);
  if (m) return `The ${m[1]} table ${m[2]}: kube-proxy owns everything in it and rewrites it as a whole.`;
  m = /^chain (\S+) \{/.exec(l);
  if (m) return `The chain ${m[1]} starts here.`;
  m = /^type (\w+) hook (\w+) priority (\S+?);/.exec(l);
  if (m)
    return `A base chain of type ${m[1]} attached to the ${m[2]} hook at priority ${m[3]}: the kernel runs it for every packet there.`;
  m = /^(set|map) (\S+) \{/.exec(l);
  if (m) return `Declares the ${m[1]} ${m[2]}; rules look packets up in it.`;
  if (/^type [\w. ]+(: [\w]+)?$/.test(l)) return `The key type of the set or map above: ${l.slice(5)}.`;
  if (/^elements = \{/.test(l)) return 'The elements of the set above.';
  m = /^numgen random mod (\d+) vmap \{(.*)\}/.exec(l);
  if (m) {
    const n = Number(m[1]);
    const targets = [...(m[2] ?? '').matchAll(/(\d+) : goto (\S+)/g)].map((x) => `${x[1]} → ${x[2]}`);
    return `Picks a random number from 0 to ${n - 1} per new connection and jumps to the endpoint chain it maps to — each of the ${n} endpoints gets 1/${n} of the connections (${targets.join(', ')}).`;
  }
  m = /^([\d.]+) \. (\w+) \. (\d+) : goto (\S+)/.exec(l);
  if (m)
    return `A map element: ${m[2]?.toUpperCase()} to ${m[1]}:${m[3]} goes to ${m[4]} — one lookup replaces iptables' long KUBE-SERVICES list.`;
  if (/vmap @service-ips/.test(l))
    return 'Looks the destination address, protocol and port up in the service-ips map and jumps to that Service chain (one lookup, however many Services).';
  if (/vmap @service-nodeports/.test(l))
    return 'Looks the protocol and port up in the service-nodeports map (NodePort Services) for packets to a local address.';
  m = /^meta mark & (0x[0-9a-f]+) == 0x0+ return/.exec(l);
  if (m) return `Packets without kube-proxy's masquerade mark ${m[1]} leave this chain unchanged (return).`;
  if (/^meta mark set meta mark \^/.test(l))
    return 'Clears the masquerade bit again (XOR), so a re-routed packet is not masqueraded twice.';
  if (/^meta mark set meta mark \|/.test(l))
    return "Sets kube-proxy's masquerade bit 0x4000, so the packet is masqueraded on the way out.";
  if (/^masquerade/.test(l))
    return "The source is rewritten to the outgoing interface's address (masquerade), so replies come back through this node.";
  m = /dnat to (\S+)/.exec(l);
  if (m) return `${conditionsOfNft(l)}the destination is rewritten to ${m[1]} (DNAT).`;
  m = /jump (\S+)$/.exec(l) ?? /goto (\S+)$/.exec(l);
  if (m) {
    const target = m[1] ?? '';
    const tail =
      target === 'mark-for-masquerade'
        ? ' to mark-for-masquerade, which sets the 0x4000 bit so it is masqueraded on the way out'
        : ` to the chain ${target}`;
    return `${conditionsOfNft(l)}the packet jumps${tail}.`;
  }
  if (/reject/.test(l)) return `${conditionsOfNft(l)}the packet is rejected with an ICMP error.`;
  if (/drop$/.test(l)) return `${conditionsOfNft(l)}the packet is dropped.`;
  if (l === '}') return 'Closes the block above.';
  return 'A line of the nft ruleset.';
}

function conditionsOfNft(l: string): string {
  const parts: string[] = [];
  const saddr = /ip saddr (!= )?(\S+)/.exec(l);
  if (saddr) parts.push(`the source is ${saddr[1] ? 'not ' : ''}${saddr[2]}`);
  const daddr = /ip daddr (!= )?(\S+)/.exec(l);
  if (daddr) parts.push(`the destination is ${daddr[1] ? 'not ' : ''}${daddr[2]}`);
  const dport = /(tcp|udp|sctp) dport (\d+)/.exec(l);
  if (dport) parts.push(`the ${dport[1]?.toUpperCase()} destination port is ${dport[2]}`);
  return parts.length > 0 ? `When ${parts.join(' and ')}, ` : 'Always: ';
}

// ---------------------------------------------------------------------------------------------------------
// ipset list

function explainIpset(line: string): string {
  const name = /^Name: (\S+)/.exec(line);
  if (name) return `The ipset ${name[1]}: a kernel hash set that one iptables rule can match against.`;
  if (/^\d+\.\d+\.\d+\.\d+/.test(line))
    return `A member of the set above: ${line}. One iptables rule matches every member at once.`;
  return 'A line of ipset list output.';
}
