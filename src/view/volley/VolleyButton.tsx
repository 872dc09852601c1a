import { lazy } from 'react';
import { DialogButton } from '../compare/DialogButton';

const load = () => import('./Volley');
const VolleyDialog = lazy(() => load().then((m) => ({ default: m.VolleyDialog })));
const prefetch = () => void load().catch(() => undefined);

/** Header button: opens the load-balancing volley. */
export function VolleyButton() {
  return (
    <DialogButton
      label="Load balancing"

      className="volley"
      dialog={VolleyDialog}
      prefetch={prefetch}
    />
  );
}
