import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { decodeState } from '../../../src/embed/urlState';
import type { NetvizStore } from '../../../src/store';
import { EmbedApp, type EmbedAppProps } from '../../../src/view/embed/EmbedApp';
import { seedCluster } from '../../fixtures/seedCluster';

function renderEmbed(props: Omit<EmbedAppProps, 'cluster'> = {}) {
  const holder: { store: NetvizStore | null } = { store: null };
  const user = userEvent.setup();
  render(
    <>
      <button type="button">a button of the docs page</button>
      <EmbedApp
        cluster={seedCluster}
        {...props}
        onStore={(store) => {
          holder.store = store;
          return undefined;
        }}
      />
    </>,
  );
  const store = holder.store as NetvizStore | null;
  if (!store) throw new Error('no store handed over');
  return {
    user,
    store,
    region: screen.getByRole('region', { name: /^kube-netviz: cluster seed, \w+ mode$/ }),
  };
}

describe('the embed view', () => {
  it('shows the picture, the narration and compact controls, without the app chrome', () => {
    const { region } = renderEmbed();
    expect(within(region).getByRole('group', { name: 'Cluster topology' })).toBeInTheDocument();
    expect(within(region).getByRole('status', { name: 'Narration' })).toHaveTextContent('step 1 of');
    expect(within(region).getByRole('group', { name: 'Playback' })).toBeInTheDocument();
    for (const chrome of [/Copy link/, /Import/, /Compare/, /Scenario/]) {
      expect(screen.queryByRole('button', { name: chrome })).toBeNull();
    }
    expect(screen.queryByRole('banner')).toBeNull();
    expect(screen.queryByRole('main')).toBeNull();
  });

  it('hides the controls with controls=false, keeping the narration', () => {
    const { region } = renderEmbed({ options: { controls: false } });
    expect(within(region).queryByRole('group', { name: 'Playback' })).toBeNull();
    expect(within(region).getByRole('status', { name: 'Narration' })).toBeInTheDocument();
  });

  it('starts at the step asked for, and links to the same moment in the full app', async () => {
    const { region, store } = renderEmbed({
      settings: { mode: 'ipvs', step: 35 },
      options: { appUrl: 'https://netviz.example/' },
    });
    await waitFor(() => expect(store.getState().cursor).toBe(35));
    expect(region).toHaveAccessibleName('kube-netviz: cluster seed, ipvs mode');
    expect(within(region).getByRole('status', { name: 'Narration' })).toHaveTextContent('step 36 of');
    const link = within(region).getByRole('link', { name: /Open in kube-netviz/ });
    expect(link).toHaveAttribute('target', '_blank');
    await waitFor(() => expect(link.getAttribute('href')).toContain('step=35'));
    const href = link.getAttribute('href') ?? '';
    expect(href.startsWith('https://netviz.example/?v=1&')).toBe(true);
    const decoded = decodeState(new URL(href).search);
    expect(decoded.ok && decoded.state.mode).toBe('ipvs');
  });

  it('has no link to the app when there is no app address', () => {
    renderEmbed();
    expect(screen.queryByRole('link', { name: /Open in kube-netviz/ })).toBeNull();
  });

  it('keeps its clip and takes keys only while focus is inside it', async () => {
    const { user, store, region } = renderEmbed({ options: { clip: { start: 3, stop: 5 } } });
    expect(store.getState().cursor).toBe(3);
    // Focus on the docs page: its arrow keys are the page's.
    screen.getByRole('button', { name: 'a button of the docs page' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(store.getState().cursor).toBe(3);
    within(region).getByRole('button', { name: 'Step forward' }).focus();
    await user.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}');
    expect(store.getState().cursor).toBe(5);
    fireEvent.keyDown(window, { key: 'Home' });
    expect(store.getState().cursor).toBe(5);
  });

  it('plays on its own with autoplay, from the step asked for', async () => {
    const { store } = renderEmbed({ settings: { step: 27 }, options: { autoplay: true } });
    await waitFor(() => expect(store.getState().playing).toBe(true));
    expect(store.getState().cursor).toBeGreaterThanOrEqual(27);
  });

  it('says what is wrong with its inputs above the picture', () => {
    renderEmbed({ notice: 'scenario=x is not a scenario name' });
    expect(screen.getByRole('alert')).toHaveTextContent('scenario=x is not a scenario name');
  });
});
