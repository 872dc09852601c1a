import { lazy, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { selectSelectedId } from '../../store';
import { useNetviz } from '../NetvizContext';
import { Deferred, usePrefetchWhenIdle } from './Deferred';
import { PacketInspector } from './PacketInspector';
import { RulesPanel } from './RulesPanel';

// The Events and Details tabs load on demand (prefetched when idle): the first picture is the Step tab.
const loadEvents = () => import('./EventList');
const loadDetails = () => import('../details/DetailsPanel');
const loadEdit = () => import('../edit/EditPanel');
const EventList = lazy(() => loadEvents().then((m) => ({ default: m.EventList })));
const DetailsPanel = lazy(() => loadDetails().then((m) => ({ default: m.DetailsPanel })));
const EditPanel = lazy(() => loadEdit().then((m) => ({ default: m.EditPanel })));

const TABS = [
  { id: 'step', label: 'Step' },
  { id: 'events', label: 'Events' },
  { id: 'details', label: 'Details' },
  { id: 'edit', label: 'Edit' },
] as const;

export type SideTab = (typeof TABS)[number]['id'];

/**
 * The side column: Step (packet inspector over the rules), Events (the whole trace), Details (the selected
 * element), Edit (change the cluster, with undo). Selecting an element shows Details; stepping never switches tabs or moves focus.
 */
export function SidePanel() {
  const [tab, setTab] = useState<SideTab>('step');
  const selectedId = useNetviz(selectSelectedId);
  const uid = useId();
  const tabRefs = useRef(new Map<SideTab, HTMLButtonElement>());
  usePrefetchWhenIdle(loadEvents, loadDetails);

  useEffect(() => {
    // Selecting shows the element's Details — unless the user is editing (the Edit tab acts on the selection).
    if (selectedId !== null) setTab((t) => (t === 'edit' ? t : 'details'));
  }, [selectedId]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (delta === 0) return;
    // Arrows move between tabs here (ARIA tabs pattern) instead of stepping the trace.
    e.preventDefault();
    e.stopPropagation();
    const i = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(i + delta + TABS.length) % TABS.length];
    if (!next) return;
    setTab(next.id);
    tabRefs.current.get(next.id)?.focus();
  };

  return (
    <div className="side">
      <div className="side-tabs" role="tablist" aria-label="Side panel" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) tabRefs.current.set(t.id, el);
              else tabRefs.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`${uid}-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`${uid}-panel`}
            tabIndex={tab === t.id ? 0 : -1}
            className="side-tab"
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        className={`side-panel side-panel-${tab}`}
        role="tabpanel"
        id={`${uid}-panel`}
        aria-labelledby={`${uid}-tab-${tab}`}
      >
        {tab === 'step' && (
          <>
            <PacketInspector />
            <RulesPanel />
          </>
        )}
        {tab === 'events' && (
          <Deferred what="event list">
            <EventList />
          </Deferred>
        )}
        {tab === 'details' && (
          <Deferred what="details">
            <DetailsPanel />
          </Deferred>
        )}
        {tab === 'edit' && (
          <Deferred what="cluster editor">
            <EditPanel />
          </Deferred>
        )}
      </div>
    </div>
  );
}
