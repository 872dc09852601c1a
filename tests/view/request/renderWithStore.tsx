import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import type { Cluster } from '../../../src/model/types';
import type { NetvizStore } from '../../../src/store';
import { NetvizProvider, useNetvizStore } from '../../../src/view/NetvizContext';
import { seedCluster } from '../../fixtures/seedCluster';

/** Renders `ui` inside a fresh store and hands back that store, to assert on what the UI did to it. */
export function renderWithStore(ui: ReactNode, cluster: Cluster = seedCluster) {
  const holder: { store?: NetvizStore } = {};
  function Capture() {
    holder.store = useNetvizStore();
    return null;
  }
  const user = userEvent.setup();
  const result = render(
    <NetvizProvider cluster={cluster}>
      <Capture />
      {ui}
    </NetvizProvider>,
  );
  if (!holder.store) throw new Error('store not captured');
  return { ...result, user, store: holder.store };
}
