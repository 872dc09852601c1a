import { useState } from 'react';
import { scenarioMeta } from '../../../scenarios/catalog';
import { useNetvizStore } from '../../NetvizContext';
import { openScenario } from '../../scenario/openScenario';
import { CNI_PLUGINS, FEATURES, type Feature } from './cniPlugins';
import '../docker0Panels.css';

/**
 * The seed's CNI plugin comparison as a table: one row per plugin, one column per question, every cell the
 * seed's answer (its title quotes the question and the answer). Picking a question keeps the plugins that
 * answer it; each row opens the kube-netviz scenario whose dataplane is closest to the plugin's.
 */
export default function PluginsPanel() {
  const store = useNetvizStore();
  const [only, setOnly] = useState<Feature | null>(null);
  const [status, setStatus] = useState<{ id: string; error?: string } | null>(null);
  const rows = only === null ? CNI_PLUGINS : CNI_PLUGINS.filter((p) => p.features.has(only));
  const question = FEATURES.find((f) => f.id === only);

  const open = async (id: string) => {
    setStatus({ id });
    try {
      await openScenario(store, id);
    } catch (error) {
      setStatus({ id, error: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <div className="nv-plugins">
      <p className="nv-callout">
        The seed&apos;s questions about the CNI plugins, answered as the seed answers them. Each row opens the
        dataplane kube-netviz models closest to that plugin: an overlay (<code>vxlan</code>) or routes between
        nodes (<code>bgp</code>).
      </p>
      <div className="nv-plugins-filter" role="group" aria-label="Show only the plugins the seed names for">
        <span className="muted">Ask the seed:</span>
        <button type="button" aria-pressed={only === null} onClick={() => setOnly(null)}>
          All plugins
        </button>
        {FEATURES.map((f) => (
          <button
            key={f.id}
            type="button"
            aria-pressed={only === f.id}
            title={f.question}
            onClick={() => setOnly(only === f.id ? null : f.id)}
          >
            {f.question}
          </button>
        ))}
      </div>
      {question && (
        <p className="nv-plugins-answer" role="status">
          Seed: “{question.question}” → {question.answer}
        </p>
      )}
      <table className="nv-table nv-plugins-table">
        <caption className="visually-hidden">
          CNI plugins by feature, from the seed notes{question ? `: ${question.question}` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Plugin</th>
            {FEATURES.map((f) => (
              <th key={f.id} scope="col" className="nv-plugins-yn" title={f.question}>
                {f.label}
              </th>
            ))}
            <th scope="col">Dataplane in kube-netviz</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => {
            const meta = scenarioMeta(p.scenario);
            return (
              <tr key={p.name}>
                <th scope="row">
                  <a href={p.link} target="_blank" rel="noreferrer">
                    {p.name}
                  </a>
                </th>
                {FEATURES.map((f) => {
                  const yes = p.features.has(f.id);
                  const source = `Seed, “${f.question}”: ${f.answer}`;
                  return (
                    <td key={f.id} className={`nv-plugins-yn ${yes ? 'yes' : 'no'}`} title={source}>
                      <span aria-hidden="true">{yes ? '✓' : '–'}</span>
                      <span className="visually-hidden">
                        {yes ? 'yes, says the seed' : 'not named by the seed'}
                      </span>
                    </td>
                  );
                })}
                <td>
                  <button
                    type="button"
                    className="nv-plugins-open"
                    aria-label={`Open the ${meta?.label ?? p.scenario} scenario for ${p.name}`}
                    title={meta?.title}
                    disabled={status?.id === p.scenario && status.error === undefined}
                    onClick={() => void open(p.scenario)}
                  >
                    {meta?.label ?? p.scenario} ›
                  </button>{' '}
                  <span className="nv-plugins-note">{p.modelNote}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted nv-plugins-source">
        Source of every cell: the seed notes&apos; CNI section (its questions and answers); a dash means the
        seed does not name the plugin for that question. Hover a cell for the seed&apos;s answer.
      </p>
      {status?.error !== undefined && (
        <p role="alert" className="nv-callout nv-callout-warn">
          Could not open the {status.id} scenario: {status.error}
        </p>
      )}
    </div>
  );
}
