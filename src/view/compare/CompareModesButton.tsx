import { lazy } from 'react';
import { DialogButton } from './DialogButton';

const load = () => import('./CompareModes');
const CompareModesDialog = lazy(() => load().then((m) => ({ default: m.CompareModesDialog })));
const prefetch = () => void load().catch(() => undefined);

/** Header button: opens the four kube-proxy modes side by side. */
export function CompareModesButton() {
  return (
    <DialogButton
      label="Compare modes"
      shortLabel="Compare"
      className="compare-modes"
      dialog={CompareModesDialog}
      prefetch={prefetch}
    />
  );
}
