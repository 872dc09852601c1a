import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { IpvsScheduler, ProxyMode, Service } from '../../model/types';
import {
  selectCluster,
  selectDeadEndpoints,
  selectIpvsScheduler,
  selectMode,
  selectRequest,
  selectSeed,
} from '../../store';
import { Dialog } from '../compare/Dialog';
import { useNetviz } from '../NetvizContext';
import { MAX_VOLLEY, runVolley, targetService, type VolleyInputs, type VolleyView } from './runVolley';
import { VolleyChart } from './VolleyChart';
import './Volley.css';

export const DEFAULT_VOLLEY = 1000;

type RunState =
  | { readonly status: 'busy'; readonly without?: VolleyView }
  | { readonly status: 'done'; readonly without: VolleyView; readonly with: VolleyView | null }
  | { readonly status: 'error'; readonly message: string };

/** The load-balancing volley (loaded on demand by `VolleyButton`). */
export function VolleyDialog({ onClose }: { onClose: () => void }) {
  const cluster = useNetviz(selectCluster);
  const request = useNetviz(selectRequest);
  const mode = useNetviz(selectMode);
  const ipvsScheduler = useNetviz(selectIpvsScheduler);
  const seed = useNetviz(selectSeed);
  const deadEndpoints = useNetviz(selectDeadEndpoints);
  const [countText, setCountText] = useState(String(DEFAULT_VOLLEY));
  const [count, setCount] = useState(DEFAULT_VOLLEY);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [run, setRun] = useState<RunState>({ status: 'busy' });
  const [service, setService] = useState<Service | null>(null);
  const runId = useRef(0);

  const fire = useCallback((inputs: VolleyInputs) => {
    const id = (runId.current += 1);
    setRun({ status: 'busy' });
    // Two volleys of ~0.4 s each, in separate tasks so the busy state paints and the page stays responsive.
    const timers: number[] = [];
    const fail = (e: unknown) =>
      runId.current === id &&
      setRun({ status: 'error', message: e instanceof Error ? e.message : String(e) });
    timers.push(
      window.setTimeout(() => {
        if (runId.current !== id) return;
        try {
          const target = targetService(inputs);
          setService(target);
          const without = runVolley(inputs, target, target ? 'None' : null);
          setRun({ status: 'busy', without });
          timers.push(
            window.setTimeout(() => {
              if (runId.current !== id) return;
              try {
                const affinity = target ? runVolley(inputs, target, 'ClientIP') : null;
                setRun({ status: 'done', without, with: affinity });
              } catch (e) {
                fail(e);
              }
            }, 0),
          );
        } catch (e) {
          fail(e);
        }
      }, 16),
    );
    return () => timers.forEach((t) => window.clearTimeout(t));
  }, []);

  useEffect(
    () => fire({ cluster, request, mode, ipvsScheduler, seed, deadEndpoints, count }),
    [fire, cluster, request, mode, ipvsScheduler, seed, deadEndpoints, count],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(countText);
    if (!Number.isInteger(n) || n < 1 || n > MAX_VOLLEY) {
      setInvalid(`Enter a whole number from 1 to ${MAX_VOLLEY.toLocaleString('en')}`);
      return;
    }
    setInvalid(null);
    if (n === count) fire({ cluster, request, mode, ipvsScheduler, seed, deadEndpoints, count });
    else setCount(n);
  };

  const from =
    request.from.kind === 'pod' ? `${request.from.namespace}/${request.from.name}` : request.from.ip;
  const busy = run.status === 'busy';
  return (
    <Dialog title="Load balancing" onClose={onClose} className="volley">
      <form className="vl-form" onSubmit={submit} noValidate>
        <label>
          Requests{' '}
          <input
            type="number"
            min={1}
            max={MAX_VOLLEY}
            value={countText}
            aria-invalid={invalid !== null || undefined}
            onChange={(e) => setCountText(e.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Fire
        </button>
        <span className="vl-what">
          from <code>{from}</code> to <code>{request.to}</code> in <strong>{mode}</strong> mode
          {mode === 'ipvs' && (
            <>
              {' '}
              (scheduler <code>{ipvsScheduler}</code>)
            </>
          )}
          , seed <code>{seed}</code>
        </span>
        {invalid !== null && (
          <p className="vl-invalid" role="alert">
            {invalid}
          </p>
        )}
      </form>
      <p className="vl-note">
        <strong>{mode}:</strong> {modeNote(mode, ipvsScheduler)}
      </p>
      <div aria-live="polite" aria-busy={busy}>
        {busy && (
          <p className="vl-busy" role="status">
            Firing {count.toLocaleString('en')} requests…
          </p>
        )}
        {run.status === 'error' && (
          <p className="vl-error" role="alert">
            {run.message}
          </p>
        )}
        {(run.status === 'done' || (run.status === 'busy' && run.without)) && (
          <div className="vl-charts">
            {run.without && (
              <VolleyChart
                title={service ? 'Without session affinity' : 'Per backend'}
                result={run.without}
              />
            )}
            {run.status === 'done' && run.with && (
              <VolleyChart title="With ClientIP session affinity" result={run.with} />
            )}
          </div>
        )}
        {run.status === 'done' && run.with && service && (
          <p className="vl-note">
            <strong>ClientIP affinity</strong> (a copy of {service.namespace}/{service.name} with{' '}
            <code>sessionAffinity: ClientIP</code>): {affinityNote(mode)} Every request here comes from the
            one client pod, so all of them stick to the backend its first connection got, for{' '}
            {service.sessionAffinityTimeoutSeconds.toLocaleString('en')} s.
          </p>
        )}
      </div>
    </Dialog>
  );
}

const SCHEDULERS: Record<IpvsScheduler, string> = {
  rr: 'round robin: each real server in turn, an exact split',
  wrr: 'weighted round robin (kube-proxy gives every real server weight 1, so plain turns)',
  lc: 'least connections: the real server with the fewest active connections',
  wlc: 'weighted least connections',
  lblc: 'locality-based least connections (per destination address)',
  lblcr: 'locality-based least connections with replication',
  sh: 'source hashing: the client address picks the real server, so one client always gets the same one',
  dh: 'destination hashing: the destination address picks the real server',
  sed: 'shortest expected delay',
  nq: 'never queue: an idle real server first, else shortest expected delay',
  mh: 'Maglev hashing of the source',
};

/** How each mode spreads new connections (sources in the comments). */
export function modeNote(mode: ProxyMode, scheduler: IpvsScheduler): string {
  switch (mode) {
    case 'iptables':
      // pkg/proxy/iptables/proxier.go: one rule per endpoint in KUBE-SVC-…, probability 1/(n-i), printed %0.10f.
      return 'KUBE-SVC-… has one rule per endpoint; rule i of n jumps with -m statistic --mode random --probability 1/(n−i) (the last one always), so each of n endpoints gets 1/n — at random, so the counts wander around the ideal.';
    case 'ipvs':
      // kube-proxy --ipvs-scheduler, rr by default; the kernel's ip_vs_<name>.c does the choosing.
      return `the virtual server's scheduler decides — ${SCHEDULERS[scheduler]}.`;
    case 'nftables':
      // pkg/proxy/nftables/proxier.go: numgen random mod n vmap { 0 : goto endpoint-…, … }.
      return 'the service chain draws numgen random mod n and a verdict map sends the connection to that endpoint: 1/n each, at random.';
    case 'userspace':
      // pkg/proxy/userspace/roundrobin.go (removed in v1.26): shuffles the endpoints once, then round robin.
      return 'kube-proxy (LoadBalancerRR) shuffles the endpoint list once, then hands endpoints out round robin: an exact split.';
  }
}

function affinityNote(mode: ProxyMode): string {
  switch (mode) {
    case 'iptables':
      return 'kube-proxy adds -m recent --rcheck --seconds <timeout> --reap rules that send a known client to its endpoint again.';
    case 'ipvs':
      return 'the virtual server is persistent (ipvsadm -p <timeout>): a template connection pins the client to its real server.';
    case 'nftables':
      return 'each endpoint chain adds the client to an affinity set with a timeout, and the service chain checks those sets first.';
    case 'userspace':
      return 'kube-proxy remembers the client IP → endpoint in its affinity map.';
  }
}
