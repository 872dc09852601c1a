import { useEffect, useId, useState, type DragEvent } from 'react';
import { exportClusterYaml, importManifests } from '../../manifests';
import { resolveCluster } from '../../model/resolve';
import { selectCluster } from '../../store';
import type { DialogBodyProps } from '../compare/DialogButton';
import { Dialog } from '../compare/Dialog';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import './share.css';

export const EXPORT_FILE_NAME = 'kube-netviz-cluster.yaml';

type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'failed'; readonly problems: readonly string[] }
  | { readonly kind: 'done'; readonly name: string };

/**
 * Reads manifest text into a cluster: every problem as "document N, path: message"; nothing is returned
 * unless the whole text reads and resolves.
 */
export async function readCluster(text: string) {
  const read = await importManifests(text);
  if (read.errors.length > 0) return { ok: false as const, problems: read.errors.map((e) => e.describe()) };
  const resolved = resolveCluster(read.draft);
  if (!resolved.ok) return { ok: false as const, problems: resolved.errors.map((e) => e.describe()) };
  return { ok: true as const, cluster: resolved.cluster };
}

/** Import YAML or kubectl JSON (typed, pasted, chosen or dropped); export the cluster shown as YAML. */
export function ImportExportDialog({ onClose }: DialogBodyProps) {
  const store = useNetvizStore();
  const cluster = useNetviz(selectCluster);
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [exported, setExported] = useState<string | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const textId = useId();
  const fileId = useId();

  useEffect(() => {
    let live = true;
    setExported(null);
    void exportClusterYaml(cluster).then((yaml) => {
      if (live) setExported(yaml);
    });
    return () => {
      live = false;
    };
  }, [cluster]);
  useEffect(() => {
    if (exported === null) return;
    const made = URL.createObjectURL(new Blob([exported], { type: 'application/yaml' }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [exported]);

  const runImport = async () => {
    setOutcome({ kind: 'busy' });
    const result = await readCluster(text);
    if (!result.ok) {
      setOutcome({
        kind: 'failed',
        problems: result.problems.length > 0 ? result.problems : ['there is nothing to import'],
      });
      return;
    }
    store.getState().setCluster(result.cluster, 'import manifests');
    setOutcome({ kind: 'done', name: result.cluster.name });
  };
  const readFile = (file: File | undefined) => {
    if (!file) return;
    void file.text().then(setText);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    readFile(e.dataTransfer.files[0]);
  };

  return (
    <Dialog title="Import / export" onClose={onClose} className="nv-import-export">
      <section aria-label="Import" className="nv-ie-section">
        <h3>Import</h3>
        <div
          className={`nv-ie-drop${dragging ? ' nv-ie-drop-active' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <label htmlFor={textId}>Kubernetes YAML or kubectl JSON (paste, or drop a file here)</label>
          <textarea
            id={textId}
            rows={8}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <label htmlFor={fileId}>Or choose a file </label>
          <input
            id={fileId}
            type="file"
            accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
            onChange={(e) => readFile(e.target.files?.[0])}
          />
        </div>
        <button type="button" disabled={outcome.kind === 'busy'} onClick={() => void runImport()}>
          Import
        </button>
        <div role="status" aria-live="polite">
          {outcome.kind === 'busy' && 'Reading…'}
          {outcome.kind === 'done' && `Imported cluster ${outcome.name}`}
          {outcome.kind === 'failed' &&
            `Not imported: ${outcome.problems.length} problem(s); nothing changed`}
        </div>
        {outcome.kind === 'failed' && (
          <ul aria-label="Import problems" className="nv-ie-problems">
            {outcome.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Export" className="nv-ie-section">
        <h3>Export</h3>
        {exported === null ? (
          <p role="status">Writing the YAML…</p>
        ) : (
          <>
            <textarea aria-label="Exported YAML" readOnly rows={8} value={exported} spellCheck={false} />
            {url !== null && (
              <a className="nv-ie-download" href={url} download={EXPORT_FILE_NAME}>
                Download
              </a>
            )}
          </>
        )}
      </section>
    </Dialog>
  );
}
