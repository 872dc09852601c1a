import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { isProxyModeLoaded, loadProxyMode } from '../../engine/proxy';
import { PROXY_MODES } from '../../engine/proxy/modeInfo';
import { changeReadiness, registerService, type RegistrationTrace } from '../../engine/registration';
import type { Cluster, ProxyMode } from '../../model/types';
import { selectCluster, selectMode } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { knownScenario } from '../share/scenarioOf';
import {
  backingPods,
  defaultReadinessPod,
  defaultServiceFields,
  FORM_TYPES,
  namespacesOf,
  readinessYaml,
  selectorOptions,
  serviceInput,
  serviceYaml,
  type FormType,
  type ServiceFields,
} from './forms';
import { lanesOf, messageOf, STAGES, stageOf, type Story, type Subject } from './sequence';
import { SequenceDiagram } from './SequenceDiagram';
import { kubectlSays, Ledger, StepProduct } from './StepProduct';
import './RegistrationPanel.css';

/** How long Play stays on a step. */
const PLAY_MS = 1800;

interface RegisterRun {
  readonly base: Cluster;
  readonly fields: ServiceFields;
}

interface ReadinessRun {
  readonly base: Cluster;
  readonly pod: { readonly namespace: string; readonly name: string };
  readonly ready: boolean;
}

const TABS: readonly { id: Story; label: string }[] = [
  { id: 'register', label: 'New Service' },
  { id: 'readiness', label: 'Pod readiness' },
];

const isTyping = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement &&
  (/^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName) || t.getAttribute('role') === 'tab');

function useModeLoaded(mode: ProxyMode): boolean {
  const [, setTick] = useState(0);
  const loaded = isProxyModeLoaded(mode);
  useEffect(() => {
    if (loaded) return;
    let live = true;
    loadProxyMode(mode).then(
      () => live && setTick((t) => t + 1),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [loaded, mode]);
  return loaded;
}

function ModeSwitch({ mode, onChange }: { mode: ProxyMode; onChange: (m: ProxyMode) => void }) {
  return (
    <div className="reg-modes" role="radiogroup" aria-label="kube-proxy mode">
      {PROXY_MODES.map((m) => (
        <label key={m} className={m === mode ? 'is-checked' : undefined}>
          <input type="radio" name="reg-mode" value={m} checked={m === mode} onChange={() => onChange(m)} />
          {m}
        </label>
      ))}
    </div>
  );
}

function ServiceForm({
  cluster,
  initial,
  onRegister,
}: {
  cluster: Cluster;
  initial: ServiceFields;
  onRegister: (f: ServiceFields) => void;
}) {
  const [f, setF] = useState(initial);
  const [formError, setFormError] = useState<string | null>(null);
  const id = useId();
  const set = <K extends keyof ServiceFields>(k: K, v: ServiceFields[K]) =>
    setF((old) => ({ ...old, [k]: v }));
  const selectors = selectorOptions(cluster, f.namespace);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // spec.ports[].port is an int32: text there never reaches the API server (the client cannot encode it).
    if (!/^\d+$/.test(f.port.trim())) {
      setFormError(`Port must be a number, not "${f.port}"`);
      return;
    }
    setFormError(null);
    onRegister(f);
  };
  return (
    <form className="reg-form" onSubmit={submit} aria-label="Service to register">
      <label>
        <span>Namespace</span>
        <select value={f.namespace} onChange={(e) => set('namespace', e.target.value)}>
          {namespacesOf(cluster).map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
      <label>
        <span>Name</span>
        <input
          className="reg-name"
          value={f.name}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => set('name', e.target.value)}
        />
      </label>
      <label>
        <span>Selector</span>
        <select value={f.selector} onChange={(e) => set('selector', e.target.value)}>
          {selectors.map((s) => (
            <option key={s}>{s}</option>
          ))}
          {f.selector !== '' && !selectors.includes(f.selector) ? <option>{f.selector}</option> : null}
          <option value="">(none)</option>
        </select>
      </label>
      <label>
        <span>Port name</span>
        <input
          className="reg-short"
          value={f.portName}
          spellCheck={false}
          onChange={(e) => set('portName', e.target.value)}
        />
      </label>
      <label>
        <span>Port</span>
        <input
          className="reg-port"
          inputMode="numeric"
          value={f.port}
          onChange={(e) => set('port', e.target.value)}
        />
      </label>
      <label>
        <span>targetPort</span>
        <input
          className="reg-short"
          value={f.targetPort}
          spellCheck={false}
          onChange={(e) => set('targetPort', e.target.value)}
        />
      </label>
      <label>
        <span>Type</span>
        <select value={f.type} onChange={(e) => set('type', e.target.value as FormType)}>
          {FORM_TYPES.map((t) => (
            <option key={t} value={t}>
              {t === 'Headless' ? 'ClusterIP: None' : t}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" aria-describedby={`${id}-hint`}>
        Register
      </button>
      <span id={`${id}-hint`} hidden>
        Runs kubectl apply of this Service through the API server
      </span>
      {formError !== null ? (
        <p role="alert" className="reg-form-error">
          {formError}
        </p>
      ) : null}
    </form>
  );
}

function ReadinessForm({
  cluster,
  run,
  onRun,
}: {
  cluster: Cluster;
  run: ReadinessRun | null;
  onRun: (pod: { namespace: string; name: string }, ready: boolean) => void;
}) {
  const pods = backingPods(cluster);
  const [key, setKey] = useState(() =>
    run ? `${run.pod.namespace}/${run.pod.name}` : pods[0] ? `${pods[0].namespace}/${pods[0].name}` : '',
  );
  const pod = pods.find((p) => `${p.namespace}/${p.name}` === key);
  if (pods.length === 0) return <p className="muted">No Service selects a pod in this cluster.</p>;
  const target = { namespace: pod?.namespace ?? '', name: pod?.name ?? '' };
  return (
    <div className="reg-form" role="group" aria-label="Pod readiness">
      <label>
        <span>Pod behind a Service</span>
        <select className="reg-pod" value={key} onChange={(e) => setKey(e.target.value)}>
          {pods.map((p) => (
            <option key={`${p.namespace}/${p.name}`} value={`${p.namespace}/${p.name}`}>
              {p.namespace}/{p.name} ({p.podIP}, {p.nodeName ?? 'unscheduled'})
            </option>
          ))}
        </select>
      </label>
      <p className="reg-now">
        now <strong>{pod?.ready ? 'Ready' : 'NotReady'}</strong> in the cluster
      </p>
      <div className="reg-toggle" role="group" aria-label="Readiness probe">
        <button type="button" onClick={() => onRun(target, false)}>
          Probe fails → NotReady
        </button>
        <button type="button" onClick={() => onRun(target, true)}>
          Probe passes → Ready
        </button>
      </div>
    </div>
  );
}

/** The Service registration story, step by step: who talks to whom, and what each step produces. */
export default function RegistrationPanel() {
  const store = useNetvizStore();
  const cluster = useNetviz(selectCluster);
  const mode = useNetviz(selectMode);
  const modeReady = useModeLoaded(mode);
  const rootRef = useRef<HTMLDivElement>(null);

  // The `readiness` scenario opens this panel on its second tab (the picker remembers which built-in it loaded).
  const [tab, setTab] = useState<Story>(() => {
    const scenario = knownScenario(cluster);
    return scenario?.kind === 'builtin' && scenario.id === 'readiness' ? 'readiness' : 'register';
  });
  const [registerRun, setRegisterRun] = useState<RegisterRun>(() => ({
    base: cluster,
    fields: defaultServiceFields(cluster),
  }));
  const [readinessRun, setReadinessRun] = useState<ReadinessRun | null>(() => {
    const pod = defaultReadinessPod(cluster);
    return pod
      ? { base: cluster, pod: { namespace: pod.namespace, name: pod.name }, ready: !pod.ready }
      : null;
  });
  const [cursors, setCursors] = useState<Record<Story, number>>({ register: 0, readiness: 0 });
  const [playing, setPlaying] = useState(false);

  const result = useMemo((): { trace: RegistrationTrace | null; error: string | null } => {
    if (!modeReady) return { trace: null, error: null };
    try {
      if (tab === 'register') {
        return {
          trace: registerService(registerRun.base, serviceInput(registerRun.fields), { mode }),
          error: null,
        };
      }
      if (!readinessRun) return { trace: null, error: null };
      return {
        trace: changeReadiness(readinessRun.base, readinessRun.pod, readinessRun.ready, { mode }),
        error: null,
      };
    } catch (e) {
      return { trace: null, error: e instanceof Error ? e.message : String(e) };
    }
  }, [tab, registerRun, readinessRun, mode, modeReady]);
  const trace = result.trace;

  const subject: Subject =
    tab === 'register'
      ? { story: 'register', namespace: registerRun.fields.namespace, name: registerRun.fields.name.trim() }
      : {
          story: 'readiness',
          namespace: readinessRun?.pod.namespace ?? '',
          name: readinessRun?.pod.name ?? '',
        };
  const count = trace?.steps.length ?? 0;
  const cursor = Math.min(cursors[tab], Math.max(0, count - 1));
  const step = trace?.steps[cursor];

  const goTo = useCallback(
    (i: number) => setCursors((c) => ({ ...c, [tab]: Math.max(0, Math.min(i, count - 1)) })),
    [tab, count],
  );
  const back = useCallback(() => {
    setPlaying(false);
    goTo(cursor - 1);
  }, [goTo, cursor]);
  const next = useCallback(() => {
    setPlaying(false);
    goTo(cursor + 1);
  }, [goTo, cursor]);

  useEffect(() => {
    if (!playing) return;
    if (cursor >= count - 1) {
      setPlaying(false);
      return;
    }
    const timer = window.setTimeout(() => goTo(cursor + 1), PLAY_MS);
    return () => window.clearTimeout(timer);
  }, [playing, cursor, count, goTo]);

  // ←/→ step anywhere in the panel (the dialog itself holds focus when it opens), except while typing.
  useEffect(() => {
    const host = rootRef.current?.closest('[role="dialog"]') ?? rootRef.current;
    if (!host) return;
    const onKey = (e: Event) => {
      if (!(e instanceof KeyboardEvent) || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      if (e.key === 'ArrowRight') {
        e.preventDefault();
        next();
      } else if (e.key === 'ArrowLeft') {
        e.preventDefault();
        back();
      }
    };
    host.addEventListener('keydown', onKey);
    return () => host.removeEventListener('keydown', onKey);
  }, [next, back]);

  const play = () => {
    if (cursor >= count - 1) goTo(0);
    setPlaying((p) => !p || cursor >= count - 1);
  };

  const register = (fields: ServiceFields) => {
    setPlaying(false);
    setRegisterRun({ base: cluster, fields });
    setCursors((c) => ({ ...c, register: 0 }));
  };
  const runReadiness = (pod: { namespace: string; name: string }, ready: boolean) => {
    setPlaying(false);
    setReadinessRun({ base: cluster, pod, ready });
    setCursors((c) => ({ ...c, readiness: 0 }));
  };

  const applied = trace !== null && cluster === trace.after;
  const canApply = trace !== null && trace.outcome.status === 'applied' && trace.after !== trace.before;
  const setMode = (m: ProxyMode) => store.getState().setMode(m);
  const modeSwitch = <ModeSwitch mode={mode} onChange={setMode} />;

  const lanes = trace ? lanesOf(trace, subject) : [];
  const messages = trace ? trace.steps.map((s) => messageOf(s, trace, subject)) : [];
  const failed = trace?.steps.find((s) => !s.ok);
  const current = messages[cursor];
  const actorLane = current ? (current.kind === 'self' ? current.lane : current.from) : '';
  const actorTone = lanes.find((l) => l.id === actorLane)?.tone ?? 'apiserver';
  const stages = STAGES[tab];
  const stageNow = step ? stageOf(step, tab) : 0;
  const firstOfStage = (n: number) => trace?.steps.findIndex((s) => stageOf(s, tab) === n) ?? -1;
  const readinessPod =
    readinessRun &&
    cluster.pods.find((p) => p.namespace === readinessRun.pod.namespace && p.name === readinessRun.pod.name);
  const posted =
    tab === 'register'
      ? serviceYaml(registerRun.fields)
      : readinessPod && readinessRun
        ? readinessYaml(readinessPod, readinessRun.ready)
        : null;
  const tabId = useId();

  return (
    <div className="reg" ref={rootRef}>
      <div className="reg-top">
        <div className="reg-tabs" role="tablist" aria-label="What happens">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`${tabId}-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`${tabId}-panel`}
              tabIndex={tab === t.id ? 0 : -1}
              className={tab === t.id ? 'is-selected' : undefined}
              onClick={() => {
                setPlaying(false);
                setTab(t.id);
              }}
              onKeyDown={(e) => {
                if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
                e.preventDefault();
                const other = TABS.find((o) => o.id !== t.id);
                if (other) {
                  setTab(other.id);
                  document.getElementById(`${tabId}-${other.id}`)?.focus();
                }
              }}
            >
              {t.label}
            </button>
          ))}
        </div>
        {tab === 'register' ? (
          <ServiceForm cluster={cluster} initial={registerRun.fields} onRegister={register} />
        ) : (
          <ReadinessForm cluster={cluster} run={readinessRun} onRun={runReadiness} />
        )}
      </div>

      <div id={`${tabId}-panel`} role="tabpanel" aria-labelledby={`${tabId}-${tab}`} className="reg-body">
        {result.error !== null ? (
          <p role="alert" className="reg-failure">
            Could not run this: {result.error}
          </p>
        ) : !trace || !step ? (
          <p className="muted" role="status" aria-busy="true">
            Loading the {mode} rules…
          </p>
        ) : (
          <>
            {failed && cursor !== failed.index ? (
              <div className="reg-rejected">
                <span>
                  <strong>Rejected at step {failed.index + 1}:</strong>{' '}
                  <span className="mono">{kubectlSays(failed) ?? failed.error?.message}</span>
                </span>
                <button
                  type="button"
                  onClick={() => {
                    setPlaying(false);
                    goTo(failed.index);
                  }}
                >
                  Show
                </button>
              </div>
            ) : null}
            <ol className="reg-stages" aria-label="The eight stages">
              {stages.map((s) => {
                const first = firstOfStage(s.n);
                const state =
                  s.n === stageNow ? 'is-current' : first >= 0 && first < cursor ? 'is-done' : 'is-todo';
                return (
                  <li key={s.n} className={state}>
                    <button
                      type="button"
                      disabled={first < 0}
                      aria-current={s.n === stageNow ? 'step' : undefined}
                      onClick={() => {
                        setPlaying(false);
                        goTo(first);
                      }}
                    >
                      <span className="reg-stage-n">{s.n}</span> {s.label}
                    </button>
                  </li>
                );
              })}
            </ol>
            <div className="reg-main">
              <div className="reg-left">
                <SequenceDiagram
                  lanes={lanes}
                  messages={messages}
                  cursor={cursor}
                  title={`Sequence of ${count} steps; step ${cursor + 1} is lit`}
                />
              </div>
              <div className="reg-right">
                <div className="reg-stepper">
                  <button type="button" onClick={back} disabled={cursor === 0} aria-keyshortcuts="ArrowLeft">
                    ◀ Back
                  </button>
                  <button type="button" onClick={play} aria-pressed={playing}>
                    {playing ? '❚❚ Pause' : '▶ Play'}
                  </button>
                  <button
                    type="button"
                    className="primary"
                    onClick={next}
                    disabled={cursor >= count - 1}
                    aria-keyshortcuts="ArrowRight"
                  >
                    Next ▶
                  </button>
                  <span className="reg-counter" aria-live="polite">
                    Step {cursor + 1} of {count}
                  </span>
                </div>
                <p className={`reg-caption${step.ok ? '' : ' is-failed'}`} data-testid="reg-caption">
                  <span className={`reg-actor reg-tone-${actorTone}`}>
                    {step.actor}
                    {step.node ? ` · ${step.node}` : ''}
                  </span>
                  {step.caption}
                </p>
                <div className="reg-product">
                  <StepProduct step={step} trace={trace} modeSwitch={modeSwitch} posted={posted} />
                  {step.ok ? <Ledger trace={trace} cursor={cursor} story={tab} /> : null}
                </div>
                {canApply ? (
                  <div className="reg-apply-row">
                    <button
                      type="button"
                      disabled={applied}
                      onClick={() => store.getState().setCluster(trace.after)}
                    >
                      {applied ? 'Applied ✓' : 'Apply to the cluster'}
                    </button>
                    <span className="muted">
                      {applied
                        ? 'The main view now shows the cluster after this change.'
                        : 'Make the main view’s cluster the state after this change.'}
                    </span>
                  </div>
                ) : null}
              </div>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
