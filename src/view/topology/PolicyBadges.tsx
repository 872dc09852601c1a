/**
 * NetworkPolicy where it is enforced: Kubernetes only stores policies; the network plugin (Calico, Cilium, …)
 * checks them at the host end of each selected pod's veth (see src/engine/trace/policy.ts). Each pod that a
 * policy selects gets a shield on its veth and one badge per policy and direction (`in` = Ingress,
 * `out` = Egress) beside its eth0. At a policy step the badges of the decision light up: green for the
 * policy whose rule allowed it, red for every selecting policy when nothing allowed it.
 */
import { memo, useMemo } from 'react';
import type { Layout, PodLayout } from '../../layout';
import { networkPolicyId } from '../../model/elementIds';
import { policiesSelecting, policyKey } from '../../model/networkPolicy';
import type { Cluster, NetworkPolicy } from '../../model/types';
import type { PolicyVerdict } from '../../engine/trace';
import { selectCluster, selectCursor, selectTrace } from '../../store';
import { useNetviz } from '../NetvizContext';
import { Selectable } from './Selectable';
import './PolicyBadges.css';

type Direction = 'ingress' | 'egress';

interface Badge {
  readonly policy: NetworkPolicy;
  readonly direction: Direction;
}

const ROW_HEIGHT = 19;
const FONT = 11;
/** Average glyph advance of the UI sans font at FONT, in layout units. */
const CHAR = FONT * 0.55;

function badgesOf(cluster: Cluster, pod: PodLayout): Badge[] {
  const model = cluster.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name);
  if (!model) return [];
  const selecting = policiesSelecting(cluster.networkPolicies, model).sort((a, b) =>
    policyKey(a).localeCompare(policyKey(b)),
  );
  const badges: Badge[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const type = direction === 'ingress' ? 'Ingress' : 'Egress';
    for (const policy of selecting) if (policy.policyTypes.includes(type)) badges.push({ policy, direction });
  }
  return badges;
}

/** lit state of one badge at the current step. */
function litOf(verdict: PolicyVerdict | undefined, pod: string, badge: Badge): 'allow' | 'deny' | null {
  if (!verdict || verdict.pod !== pod || verdict.direction !== badge.direction) return null;
  if (verdict.allowed) return verdict.allowedBy === policyKey(badge.policy) ? 'allow' : null;
  return verdict.selectedBy.includes(policyKey(badge.policy)) ? 'deny' : null;
}

function shieldPath(cx: number, cy: number, size: number): string {
  const w = size * 0.8;
  const h = size;
  const top = cy - h / 2;
  return (
    `M${cx},${top} L${cx + w / 2},${top + h * 0.18} L${cx + w / 2},${top + h * 0.5} ` +
    `Q${cx + w / 2},${top + h * 0.85} ${cx},${top + h} Q${cx - w / 2},${top + h * 0.85} ${cx - w / 2},${top + h * 0.5} ` +
    `L${cx - w / 2},${top + h * 0.18} Z`
  );
}

function truncate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

const PodBadges = memo(function PodBadges({
  pod,
  badges,
  verdict,
}: {
  pod: PodLayout;
  badges: readonly Badge[];
  verdict: PolicyVerdict | undefined;
}) {
  const key = `${pod.namespace}/${pod.name}`;
  const titleEnd = pod.title.x + pod.title.text.length * pod.title.size * 0.6;
  const subtitleEnd = pod.subtitle.x + pod.subtitle.text.length * pod.subtitle.size * 0.6;
  const right = pod.box.x + pod.box.width - 6;
  const x = Math.min(Math.max(titleEnd, subtitleEnd) + 8, right - 90);
  const width = right - x;
  const top = pod.eth0.box.y + pod.eth0.box.height + 3;
  const room = Math.max(1, Math.floor((pod.netns.y - 3 - top) / ROW_HEIGHT));
  const shown = badges.length > room ? badges.slice(0, room - 1) : badges;
  const hidden = badges.length - shown.length;
  const lits = badges.map((b) => litOf(verdict, key, b));
  const shieldLit = lits.includes('deny') ? 'deny' : lits.includes('allow') ? 'allow' : null;
  const veth = pod.veth;
  return (
    <g className="policy-badges" data-pod={key}>
      {veth && (
        <path
          className={`policy-shield${shieldLit ? ` is-${shieldLit}` : ''}`}
          d={shieldPath(veth.hostEnd.x - 11, (veth.hostEnd.y + veth.podEnd.y) / 2, 15)}
          aria-hidden="true"
        />
      )}
      {shown.map((badge, i) => {
        const y = top + i * ROW_HEIGHT;
        const lit = lits[i] ?? null;
        const arrow = badge.direction === 'ingress' ? 'in' : 'out';
        const chars = Math.floor((width - 22) / CHAR) - arrow.length - 1;
        const box = { x, y, width, height: ROW_HEIGHT - 3 };
        return (
          <Selectable
            key={`${badge.direction} ${policyKey(badge.policy)}`}
            id={networkPolicyId(badge.policy)}
            label={`NetworkPolicy ${policyKey(badge.policy)}, ${badge.direction}, enforced at ${pod.name}'s veth${lit ? (lit === 'allow' ? ': allows this packet' : ': nothing allows this packet') : ''}`}
            box={box}
            className={`policy-badge policy-${badge.direction}${lit ? ` is-${lit}` : ''}`}
            ringRadius={6}
          >
            <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={4} />
            <path className="policy-badge-shield" d={shieldPath(x + 7, y + box.height / 2, 11)} />
            <text x={x + 15} y={y + box.height / 2 + FONT * 0.36} fontSize={FONT} className="t">
              <tspan className="policy-dir">{arrow}</tspan> {truncate(badge.policy.name, chars)}
            </text>
          </Selectable>
        );
      })}
      {hidden > 0 && (
        <text x={x + 17} y={top + shown.length * ROW_HEIGHT + FONT} fontSize={FONT} className="t t-muted">
          +{hidden} more (see Details)
        </text>
      )}
    </g>
  );
});

/** Badges for every pod some NetworkPolicy selects (drawn when pods are shown one by one). */
export const PolicyBadges = memo(function PolicyBadges({ layout }: { layout: Layout }) {
  const cluster = useNetviz(selectCluster);
  const trace = useNetviz(selectTrace);
  const cursor = useNetviz(selectCursor);
  const verdict = trace?.steps[cursor]?.policy;
  const perPod = useMemo(
    () =>
      layout.nodes
        .flatMap((n) => n.pods)
        .map((pod) => ({ pod, badges: badgesOf(cluster, pod) }))
        .filter((p) => p.badges.length > 0),
    [cluster, layout],
  );
  if (perPod.length === 0) return null;
  return (
    <g className="policy-layer">
      {perPod.map(({ pod, badges }) => (
        <PodBadges key={pod.id} pod={pod} badges={badges} verdict={verdict} />
      ))}
    </g>
  );
});
