/**
 * What a user of the userspace kube-proxy would look at on a node: the portal rules (`iptables-save`, the
 * nat and filter tables, printed by the shared iptables-save renderer) and the sockets kube-proxy holds
 * open, as `ss -ltunp | grep kube-proxy` lists them.
 *
 * `ss` details followed (iproute2 misc/ss.c): with -t and -u it prints a Netid column and lists UDP before
 * TCP; a TCP listener shows State LISTEN, Recv-Q 0 and Send-Q = its accept backlog, which for a Go program
 * is net.core.somaxconn (Go reads it at start-up; 4096 since Linux 5.4); an unconnected UDP socket shows
 * UNCONN 0 0; Go's wildcard listeners are dual-stack [::] sockets, which ss prints as `*`; -p adds
 * `users:(("kube-proxy",pid=<pid>,fd=<fd>))`. Column widths depend on the terminal, so they are a
 * fixed, readable choice here, and the kernel lists sockets in hash order, shown here sorted by port.
 * The pid and fd numbers are illustrative (a stable pid per node, fds in the order sockets were opened).
 */
import type { Ruleset } from '../netfilter/types';
import type { KubeProxySocket } from '../proxy/userspace/portals';
import { fnv1a32 } from '../proxy/userspace/proxyPorts';
import type { RulesSection } from '../proxy/types';
import { renderIptablesSave } from './iptablesSave';

/** Go's listen backlog: net.core.somaxconn, 4096 by default since Linux 5.4. */
export const LISTEN_BACKLOG = 4096;

/** The first fd of a socket in the listing (0–2 are stdio, a few more are Go runtime and API-server ones). */
const FIRST_SOCKET_FD = 7;

/** A stable, plausible host pid for kube-proxy on this node. */
export function kubeProxyPid(node: string): number {
  return 1000 + (fnv1a32(node) % 9000);
}

/** Id of a socket's line in the rules view. */
export function socketLineId(socket: KubeProxySocket): string {
  return `ss/${socket.protocol.toLowerCase()}/${socket.address}:${socket.port}`;
}

export interface SocketLine {
  readonly text: string;
  readonly id: string;
  readonly socket: KubeProxySocket;
}

/** `ss -ltunp | grep kube-proxy`: one line per socket kube-proxy holds. */
export function renderKubeProxySockets(node: string, sockets: readonly KubeProxySocket[]): SocketLine[] {
  const pid = kubeProxyPid(node);
  const sorted = [...sockets].sort(
    (a, b) =>
      (a.protocol === b.protocol ? 0 : a.protocol === 'UDP' ? -1 : 1) ||
      a.port - b.port ||
      (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
  );
  const addressWidth = Math.max(15, ...sorted.map((s) => s.address.length));
  return sorted.map((socket) => {
    const isTcp = socket.protocol === 'TCP';
    const local = `${socket.address.padStart(addressWidth)}:${String(socket.port).padEnd(5)}`;
    const peer = `${'*'.padStart(addressWidth)}:*    `;
    const text = [
      (isTcp ? 'tcp' : 'udp').padEnd(5),
      (isTcp ? 'LISTEN' : 'UNCONN').padEnd(6),
      '0'.padEnd(6),
      String(isTcp ? LISTEN_BACKLOG : 0).padEnd(6),
      local,
      peer,
      `users:(("kube-proxy",pid=${pid},fd=${FIRST_SOCKET_FD + socket.order}))`,
    ].join(' ');
    return { text, id: socketLineId(socket), socket };
  });
}

/** The userspace mode's rules view: iptables-save of its nat and filter rules, then its sockets. */
export function renderUserspaceSections(
  node: string,
  ruleset: Ruleset,
  sockets: readonly KubeProxySocket[],
): RulesSection[] {
  return [
    {
      command: 'iptables-save',
      lines: renderIptablesSave(ruleset).map((l) =>
        l.ruleId ? { text: l.text, id: l.ruleId } : { text: l.text },
      ),
    },
    {
      command: 'ss -ltunp | grep kube-proxy',
      lines: renderKubeProxySockets(node, sockets).map((l) => ({ text: l.text, id: l.id })),
    },
  ];
}
