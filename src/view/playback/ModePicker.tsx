import { useId } from 'react';
import { PROXY_MODE_INFO, PROXY_MODES } from '../../engine/proxy/modeInfo';
import type { IpvsScheduler, ProxyMode } from '../../model/types';
import { selectIpvsScheduler, selectLoadingMode, selectMode } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { modeBadge } from './format';

// The schedulers IPVS ships (ipvsadm(8)); kube-proxy's --ipvs-scheduler takes any of them, rr by default.
const SCHEDULERS: readonly { value: IpvsScheduler; label: string }[] = [
  { value: 'rr', label: 'rr — round robin' },
  { value: 'wrr', label: 'wrr — weighted round robin' },
  { value: 'lc', label: 'lc — least connection' },
  { value: 'wlc', label: 'wlc — weighted least connection' },
  { value: 'lblc', label: 'lblc — locality-based least connection' },
  { value: 'lblcr', label: 'lblcr — lblc with replication' },
  { value: 'sh', label: 'sh — source hashing' },
  { value: 'dh', label: 'dh — destination hashing' },
  { value: 'sed', label: 'sed — shortest expected delay' },
  { value: 'nq', label: 'nq — never queue' },
  { value: 'mh', label: 'mh — maglev hashing' },
];

function modeInfo(mode: ProxyMode): { status: string; followsVersion: string } {
  return PROXY_MODE_INFO[mode];
}

/** The "Proxy mode" radio group, each mode with its lifecycle badge; the IPVS scheduler in ipvs mode. */
export function ModePicker() {
  const store = useNetvizStore();
  const current = useNetviz(selectMode);
  const loading = useNetviz(selectLoadingMode);
  const mode = loading ?? current;
  const uid = useId();
  return (
    <div className="mode-picker">
      <div className="mode-radios" role="radiogroup" aria-label="Proxy mode">
        {PROXY_MODES.map((m, i) => {
          const module = modeInfo(m);
          const badge = modeBadge(module.status);
          const tone = /removed/.test(badge) ? 'removed' : /deprecated/.test(badge) ? 'deprecated' : 'ok';
          return (
            <label
              key={m}
              className={m === mode ? 'mode-option is-checked' : 'mode-option'}
              title={`kube-proxy --proxy-mode=${m}: ${module.status}. Modelled on kube-proxy ${module.followsVersion}. Key ${i + 1}.`}
            >
              <input
                type="radio"
                name="proxy-mode"
                value={m}
                checked={m === mode}
                aria-label={m}
                aria-describedby={`${uid}-${m}`}
                onChange={() => store.getState().setMode(m)}
              />
              <span className="mode-name">{m}</span>
              <span id={`${uid}-${m}`} className={`mode-badge badge-${tone}`}>
                {m === loading ? 'loading…' : badge}
              </span>
            </label>
          );
        })}
      </div>
    </div>
  );
}

/** The IPVS scheduler (kube-proxy --ipvs-scheduler), shown beside the ipvs rules. */
export function SchedulerSelect() {
  const store = useNetvizStore();
  const scheduler = useNetviz(selectIpvsScheduler);
  return (
    <label className="scheduler" title="kube-proxy --ipvs-scheduler">
      <span className="muted">scheduler</span>
      <select
        aria-label="IPVS scheduler"
        value={scheduler}
        onChange={(e) => store.getState().setIpvsScheduler(e.target.value as IpvsScheduler)}
      >
        {SCHEDULERS.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
    </label>
  );
}
