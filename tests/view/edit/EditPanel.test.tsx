import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createNetvizStore, historyActionFor } from '../../../src/store';
import { EditPanel, parseLabels } from '../../../src/view/edit/EditPanel';
import { useActionKeys } from '../../../src/view/playback/useActionKeys';
import { seedCluster } from '../../fixtures/seedCluster';
import { renderWithStore } from '../request/renderWithStore';

function Keys() {
  useActionKeys();
  return null;
}

const podNames = (names: { pods: readonly { name: string }[] }) => names.pods.map((p) => p.name);

describe('the Edit tab', () => {
  it('adds a pod on the chosen node; the outcome names its address; Undo and Redo walk the history', async () => {
    const { store, user } = renderWithStore(<EditPanel />);
    await user.click(screen.getByText('Add a pod'));
    await user.type(screen.getByLabelText('Pod name'), 'web-3');
    await user.selectOptions(screen.getByLabelText('Node'), 'node-2');
    await user.click(screen.getByRole('button', { name: 'Add pod' }));
    const pod = store.getState().cluster.pods.find((p) => p.name === 'web-3');
    expect(pod?.nodeName).toBe('node-2');
    expect(screen.getByRole('status')).toHaveTextContent(
      `Added pod default/web-3: ${pod?.podIP ?? '?'} on node-2`,
    );
    // The trace follows the new cluster (web-3 carries app=web, so web-svc now has three endpoints).
    expect(store.getState().trace).not.toBeNull();

    await user.click(screen.getByRole('button', { name: /Undo/ }));
    expect(podNames(store.getState().cluster)).not.toContain('web-3');
    expect(store.getState().cluster).toBe(seedCluster);
    await user.click(screen.getByRole('button', { name: /Redo/ }));
    expect(podNames(store.getState().cluster)).toContain('web-3');
  });

  it('says plainly why an edit was refused and changes nothing', async () => {
    const { store, user } = renderWithStore(<EditPanel />);
    await user.click(screen.getByText('Add a node'));
    await user.type(screen.getByLabelText('Node name'), 'node-1');
    await user.click(screen.getByRole('button', { name: 'Add node' }));
    expect(screen.getByRole('status')).toHaveTextContent('Not applied: node node-1 already exists');
    expect(store.getState().cluster).toBe(seedCluster);
    expect(store.getState().past).toHaveLength(0);
  });

  it('acts on the selection: marks a pod not ready and deletes it', async () => {
    const { store, user } = renderWithStore(<EditPanel />);
    fireEvent.click(document.body);
    store.getState().select('pod:default/server-1');
    const section = await screen.findByRole('heading', { name: 'Pod default/server-1' });
    expect(section).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Mark not ready' }));
    expect(store.getState().cluster.pods.find((p) => p.name === 'server-1')?.ready).toBe(false);
    const ready = store
      .getState()
      .cluster.endpointSlices.flatMap((s) => s.endpoints)
      .filter((e) => e.conditions.ready)
      .flatMap((e) => e.addresses);
    expect(ready).not.toContain('10.0.1.2');
    store.getState().select('pod:default/server-1');
    await user.click(await screen.findByRole('button', { name: 'Delete pod' }));
    expect(podNames(store.getState().cluster)).not.toContain('server-1');
    expect(store.getState().past.map((h) => h.label)).toEqual([
      'mark pod default/server-1 not ready',
      'delete pod default/server-1',
    ]);
  });

  it('Ctrl+Z undoes and Ctrl+Shift+Z redoes, but not while typing in a field', async () => {
    const { store, user } = renderWithStore(
      <>
        <Keys />
        <EditPanel />
      </>,
    );
    await user.click(screen.getByText('Add a node'));
    await user.click(screen.getByRole('button', { name: 'Add node' }));
    expect(store.getState().cluster.nodes).toHaveLength(3);
    await user.type(screen.getByLabelText('Node name'), 'x');
    await user.keyboard('{Control>}z{/Control}');
    expect(store.getState().cluster.nodes).toHaveLength(3);
    (document.activeElement as HTMLElement).blur();
    await user.keyboard('{Control>}z{/Control}');
    expect(store.getState().cluster.nodes).toHaveLength(2);
    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    expect(store.getState().cluster.nodes).toHaveLength(3);
    expect(
      within(screen.getByRole('group', { name: 'History' })).getByText(
        /Last change: add node node-1|Last change: add node/,
      ),
    ).toBeInTheDocument();
  });
});

describe('history', () => {
  it('maps the platform chords to undo and redo', () => {
    const chord = (
      key: string,
      mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>>,
    ) =>
      historyActionFor({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods })?.id;
    expect(chord('z', { ctrlKey: true })).toBe('undo');
    expect(chord('z', { metaKey: true })).toBe('undo');
    expect(chord('Z', { ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(chord('y', { ctrlKey: true })).toBe('redo');
    expect(chord('z', {})).toBeUndefined();
    expect(chord('z', { ctrlKey: true, altKey: true })).toBeUndefined();
  });

  it('keeps at most 50 changes and a new change drops the redo history', () => {
    const store = createNetvizStore(seedCluster);
    for (let i = 0; i < 60; i++)
      store.getState().setCluster({ ...seedCluster, name: `c${i}` }, `change ${i}`);
    expect(store.getState().past).toHaveLength(50);
    store.getState().undo();
    expect(store.getState().future).toHaveLength(1);
    store.getState().setCluster({ ...seedCluster, name: 'new' }, 'new');
    expect(store.getState().future).toHaveLength(0);
  });

  it('parses labels and names a malformed pair', () => {
    expect(parseLabels('app=web, tier = front')).toEqual({ app: 'web', tier: 'front' });
    expect(parseLabels('')).toEqual({});
    expect(parseLabels('app')).toBe('"app" is not key=value');
  });
});
