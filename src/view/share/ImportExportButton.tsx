import { lazy } from 'react';
import { DialogButton } from '../compare/DialogButton';

const load = () => import('./ImportExport');
const ImportExportDialog = lazy(() => load().then((m) => ({ default: m.ImportExportDialog })));
const prefetch = () => void load().catch(() => undefined);

/** Header button: import a cluster from YAML / kubectl JSON, or export the one shown. */
export function ImportExportButton() {
  return (
    <DialogButton
      label="Import / export"
      className="nv-import-export"
      dialog={ImportExportDialog}
      prefetch={prefetch}
    />
  );
}
