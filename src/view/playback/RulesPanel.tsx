import { lazy, Suspense, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { RulesView } from '../../engine/proxy/types';
import type { Step } from '../../engine/trace';
import { selectCurrentRules, selectCurrentStep } from '../../store';
import { SchedulerSelect } from './ModePicker';
import { useNetviz } from '../NetvizContext';
import { DnsLookup } from './DnsLookup';
import { LoadFailure, usePrefetchWhenIdle } from './Deferred';

// The L7 decision view loads with the first ingress step.
const IngressRouting = lazy(() => import('./IngressRouting').then((m) => ({ default: m.IngressRouting })));

const loadExplainer = () => import('./RuleExplanation');
const RuleExplanation = lazy(() => loadExplainer().then((m) => ({ default: m.RuleExplanation })));

/** Fixed row height (px) of a ruleset line: lines never wrap, so row i sits at i × ROW. */
export const RULE_ROW_HEIGHT = 18;
/** Rulesets up to this many rows render whole; longer ones render only the rows in view. */
const RENDER_ALL_BELOW = 800;
const OVERSCAN = 40;

interface Row {
  readonly text: string;
  readonly id?: string;
  readonly section: number;
  readonly isCommand: boolean;
}

function rowsOf(view: RulesView): Row[] {
  const rows: Row[] = [];
  view.sections.forEach((section, i) => {
    rows.push({ text: `# ${section.command}`, section: i, isCommand: true });
    for (const line of section.lines)
      rows.push({
        text: line.text,
        ...(line.id !== undefined && { id: line.id }),
        section: i,
        isCommand: false,
      });
  });
  return rows;
}

/** DNS steps outside netfilter show the lookup (resolv.conf, search list, answer) instead of the rules. */
const RULE_KINDS = new Set<Step['kind']>(['netfilter', 'conntrack', 'ipvs', 'userspace']);

function isDnsLookupStep(step: Step): boolean {
  return step.phase === 'dns' && !RULE_KINDS.has(step.kind);
}

/** The current node's rules in the mode's real format, the deciding line lit; DNS steps show the lookup. */
export function RulesPanel() {
  const view = useNetviz(selectCurrentRules);
  const step = useNetviz(selectCurrentStep);
  usePrefetchWhenIdle(loadExplainer);
  return (
    <section className="rules" aria-label="Rules">
      {step && isDnsLookupStep(step) ? (
        <DnsLookup />
      ) : step?.ingress ? (
        <Suspense fallback={null}>
          <IngressRouting step={step} info={step.ingress} />
        </Suspense>
      ) : view ? (
        <Ruleset view={view} step={step} />
      ) : (
        <p className="muted">No node to show rules for.</p>
      )}
    </section>
  );
}

function Ruleset({ view, step }: { view: RulesView; step: Step | null }) {
  const rows = useMemo(() => rowsOf(view), [view]);
  const sectionLines = useMemo(() => view.sections.map((s) => s.lines.map((l) => l.text)), [view]);
  const litId = step?.rule?.id;
  const litIndex = useMemo(
    () => (litId === undefined ? -1 : rows.findIndex((r) => r.id === litId)),
    [rows, litId],
  );
  const walked = useMemo(
    () => new Set((step?.walked ?? []).map((w) => w.id).filter((id) => id !== undefined)),
    [step],
  );
  const [selected, setSelected] = useState<number | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const codeRef = useRef<HTMLDivElement>(null);

  // A new ruleset (another node or mode) drops the selection.
  useEffect(() => setSelected(null), [view]);

  // Bring the lit line into view inside the panel (never the page).
  useEffect(() => {
    const el = codeRef.current;
    if (!el || litIndex < 0) return;
    const height = el.clientHeight || viewport;
    const top = litIndex * RULE_ROW_HEIGHT;
    if (top < el.scrollTop || top + RULE_ROW_HEIGHT > el.scrollTop + height) {
      const next = Math.max(0, top - height / 3);
      el.scrollTop = next;
      setScrollTop(next);
    }
    if (el.clientHeight > 0) setViewport(el.clientHeight);
  }, [litIndex, view, viewport]);

  const virtual = rows.length > RENDER_ALL_BELOW;
  const first = virtual ? Math.max(0, Math.floor(scrollTop / RULE_ROW_HEIGHT) - OVERSCAN) : 0;
  const last = virtual
    ? Math.min(rows.length, Math.ceil((scrollTop + viewport) / RULE_ROW_HEIGHT) + OVERSCAN)
    : rows.length;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const from = selected ?? (litIndex >= 0 ? litIndex : -1);
    const next = Math.max(0, Math.min(rows.length - 1, from + (e.key === 'ArrowDown' ? 1 : -1)));
    setSelected(next);
    const el = codeRef.current;
    if (el) {
      const top = next * RULE_ROW_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + RULE_ROW_HEIGHT > el.scrollTop + el.clientHeight)
        el.scrollTop = top + RULE_ROW_HEIGHT - el.clientHeight;
    }
  };

  // Unless the viewer picked a line, explain the lit one (its full text, which the panel may cut off).
  const explained = selected ?? (litIndex >= 0 ? litIndex : null);
  const selectedRow = explained === null ? undefined : rows[explained];
  return (
    <>
      {view.mode === 'ipvs' && <SchedulerSelect />}
      <h2 className="panel-title">
        Rules <span className="muted">on {view.node}</span>
        {step?.rule?.chain !== undefined && (
          <span className="rule-where">
            {step.rule.table !== undefined ? `${step.rule.table} / ` : ''}
            {step.rule.chain}
          </span>
        )}
      </h2>
      <div
        className="rules-code"
        ref={codeRef}
        tabIndex={0}
        role="group"
        aria-label={`Ruleset of ${view.node}, ${rows.length} lines; arrow keys select a line to explain`}
        onScroll={(e) => virtual && setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: first * RULE_ROW_HEIGHT }} aria-hidden="true" />
        {rows.slice(first, last).map((row, k) => {
          const i = first + k;
          const isLit = i === litIndex;
          const cls = [
            'rule-line',
            row.isCommand ? 'is-command' : '',
            isLit ? 'is-lit' : row.id !== undefined && walked.has(row.id) ? 'is-walked' : '',
            i === selected ? 'is-selected' : '',
          ]
            .filter(Boolean)
            .join(' ');
          return (
            <div
              key={i}
              className={cls}
              aria-current={isLit ? 'true' : undefined}
              data-rule-id={row.id}
              onClick={() => setSelected(i)}
            >
              {isLit && <span className="visually-hidden">matched: </span>}
              {row.text || ' '}
            </div>
          );
        })}
        <div style={{ height: (rows.length - last) * RULE_ROW_HEIGHT }} aria-hidden="true" />
      </div>
      <p className="rule-explain" aria-live="polite" tabIndex={0}>
        {selectedRow ? (
          <>
            <code className="rule-explain-line">{selectedRow.text.trim()}</code>{' '}
            {selectedRow.isCommand ? (
              `The output of \`${view.sections[selectedRow.section]?.command ?? ''}\` on ${view.node} follows.`
            ) : (
              <LoadFailure what="rule explainer">
                <Suspense fallback={<span className="muted">Loading…</span>}>
                  <RuleExplanation
                    text={selectedRow.text}
                    context={{
                      command: view.sections[selectedRow.section]?.command ?? '',
                      lines: sectionLines[selectedRow.section] ?? [],
                    }}
                  />
                </Suspense>
              </LoadFailure>
            )}
          </>
        ) : (
          <span className="muted">Click a line (or focus the rules and use ↑ ↓) to have it explained.</span>
        )}
      </p>
    </>
  );
}
