/**
 * Where a scenario (or a tour stop) wants the viewer to look: a step of its trace described by what happens
 * there, not by an index, so that it stays right when the trace changes (another mode, another seed).
 * Pure data and a pure finder; no engine import.
 */
import type { Phase, Step, StepKind } from '../engine/trace/types';

export interface StepMatcher {
  readonly phase?: Phase;
  readonly kind?: StepKind;
  /** The step rewrites the packet (DNAT, IPVS, REDIRECT, conntrack, …); `rewriteBy` narrows it. */
  readonly rewrite?: boolean;
  readonly rewriteBy?: string;
  /** A case-insensitive substring of the caption. */
  readonly captionIncludes?: string;
  /** The n-th match (0 = first, -1 = last). */
  readonly nth?: number;
}

function matches(step: Step, m: StepMatcher): boolean {
  if (m.phase !== undefined && step.phase !== m.phase) return false;
  if (m.kind !== undefined && step.kind !== m.kind) return false;
  if (m.rewrite !== undefined && (step.rewrite !== undefined) !== m.rewrite) return false;
  if (m.rewriteBy !== undefined && step.rewrite?.by !== m.rewriteBy) return false;
  if (
    m.captionIncludes !== undefined &&
    !step.caption.toLowerCase().includes(m.captionIncludes.toLowerCase())
  )
    return false;
  return true;
}

/** Index of the step the matcher names, or null when no step matches. */
export function findKeyStep(steps: readonly Step[], matcher: StepMatcher): number | null {
  const hits = steps.filter((s) => matches(s, matcher));
  const nth = matcher.nth ?? 0;
  const hit = nth < 0 ? hits[hits.length + nth] : hits[nth];
  return hit ? hit.index : null;
}
