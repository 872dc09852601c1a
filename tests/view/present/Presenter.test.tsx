import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useRef } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trace } from '../../../src/engine/trace';
import { findKeyStep } from '../../../src/scenarios/keyStep';
import { playableStops, tourById } from '../../../src/scenarios/tours';
import { defaultRequest, isKeyStep } from '../../../src/store';
import { App } from '../../../src/view/App';
import { useActionKeys } from '../../../src/view/playback/useActionKeys';
import { usePresenter } from '../../../src/view/present/Presenter';
import { renderWithStore } from '../request/renderWithStore';
import { seedCluster } from '../../fixtures/seedCluster';

const iptables = trace(seedCluster, defaultRequest(seedCluster), { mode: 'iptables' });
const total = iptables.steps.length;
const seed = tourById('seed');
if (!seed) throw new Error('no seed tour');

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  // The seed tour names scenarios this build lacks; playableStops says so once.
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

function renderApp() {
  const user = userEvent.setup();
  const { container } = render(<App cluster={seedCluster} />);
  const root = container.querySelector('.netviz');
  if (!(root instanceof HTMLElement)) throw new Error('no app root');
  return { user, root, narration: screen.getByRole('status', { name: 'Narration' }) };
}

describe('Presenter mode', () => {
  it('P presents (chrome hidden by class, Present button in the transport), Escape leaves', async () => {
    const { user, root } = renderApp();
    expect(root).not.toHaveClass('is-presenting');
    await user.keyboard('p');
    expect(root).toHaveClass('is-presenting');
    expect(await screen.findByRole('toolbar', { name: 'Presenter' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(root).not.toHaveClass('is-presenting');
    await user.click(screen.getByRole('button', { name: 'Present' }));
    expect(root).toHaveClass('is-presenting');
  });

  it('clicker keys step the trace: Page Down to the next key step, arrows one step', async () => {
    const { user, narration } = renderApp();
    await user.keyboard('p');
    let expected = 1;
    while (!isKeyStep(iptables, expected)) expected += 1;
    await user.keyboard('{PageDown}');
    expect(narration).toHaveTextContent(`step ${expected + 1} of ${total}`);
    await user.keyboard('{ArrowRight}');
    expect(narration).toHaveTextContent(`step ${expected + 2} of ${total}`);
    await user.keyboard('{PageUp}{PageUp}');
    expect(narration).toHaveTextContent(`step 1 of ${total}`);
  });

  it('B blanks the screen; B again, or any other key, brings it back without doing anything else', async () => {
    const { user, narration } = renderApp();
    await user.keyboard('p');
    expect(screen.queryByTestId('blank-screen')).not.toBeInTheDocument();
    await user.keyboard('b');
    expect(await screen.findByTestId('blank-screen')).toBeInTheDocument();
    await user.keyboard('b');
    expect(screen.queryByTestId('blank-screen')).not.toBeInTheDocument();
    await user.keyboard('b');
    await user.keyboard('{PageDown}');
    expect(screen.queryByTestId('blank-screen')).not.toBeInTheDocument();
    // The key that brought the screen back did not also step.
    expect(narration).toHaveTextContent(`step 1 of ${total}`);
    await user.keyboard('.');
    expect(screen.getByTestId('blank-screen')).toBeInTheDocument();
    await user.click(screen.getByTestId('blank-screen'));
    expect(screen.queryByTestId('blank-screen')).not.toBeInTheDocument();
  });

  it('B does nothing outside presenter mode; leaving presenter mode un-blanks', async () => {
    const { user } = renderApp();
    await user.keyboard('b');
    expect(screen.queryByTestId('blank-screen')).not.toBeInTheDocument();
    await user.keyboard('p');
    await user.keyboard('b');
    expect(await screen.findByTestId('blank-screen')).toBeInTheDocument();
    await user.keyboard('b');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('blank-screen')).not.toBeInTheDocument();
  });

  it("N shows the speaker notes: the step's caption and detail and what comes next", async () => {
    const { user } = renderApp();
    await user.keyboard('p');
    const trap = findKeyStep(iptables.steps, { phase: 'request', kind: 'netfilter', rewrite: true }) ?? 0;
    for (let i = 0; i < trap; i += 1) await user.keyboard('{ArrowRight}');
    await user.keyboard('n');
    const notes = screen.getByRole('complementary', { name: 'Speaker notes' });
    const step = iptables.steps[trap];
    expect(notes).toHaveTextContent(`Step ${trap + 1} of ${total}`);
    expect(notes).toHaveTextContent(step?.caption ?? '');
    if (step?.detail) expect(notes).toHaveTextContent(step.detail);
    expect(notes).toHaveTextContent(`Next: ${iptables.steps[trap + 1]?.caption ?? ''}`);
    await user.keyboard('n');
    expect(screen.queryByRole('complementary', { name: 'Speaker notes' })).not.toBeInTheDocument();
  });

  it('H switches high contrast', async () => {
    const { user, root } = renderApp();
    await user.keyboard('h');
    expect(root).toHaveClass('is-high-contrast');
    await user.keyboard('h');
    expect(root).not.toHaveClass('is-high-contrast');
  });

  it('goes fullscreen on the app root, and leaves presenter mode when fullscreen ends', async () => {
    const { user, root } = renderApp();
    let fullscreen: Element | null = null;
    Object.defineProperty(document, 'fullscreenElement', { configurable: true, get: () => fullscreen });
    root.requestFullscreen = vi.fn(() => {
      fullscreen = root;
      document.dispatchEvent(new Event('fullscreenchange'));
      return Promise.resolve();
    });
    await user.keyboard('p');
    expect(root.requestFullscreen).toHaveBeenCalledTimes(1);
    // The browser's own Escape ends fullscreen without a key event reaching the page.
    act(() => {
      fullscreen = null;
      document.dispatchEvent(new Event('fullscreenchange'));
    });
    expect(root).not.toHaveClass('is-presenting');
    Reflect.deleteProperty(document, 'fullscreenElement');
  });
});

describe('Tours', () => {
  const stops = playableStops(seed);

  it('the Scenario picker starts the tour at its first stop, with the tour bar', async () => {
    const { user, narration } = renderApp();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Scenario' }), 'tour:seed');
    const bar = screen.getByRole('navigation', { name: 'Tour' });
    expect(bar).toHaveTextContent(`stop 1 of ${stops.length}`);
    expect(bar).toHaveTextContent(stops[0]?.caption ?? '');
    // The routing stop (the seed cluster) opens at the router.
    const routing = stops.findIndex((s) => s.scenario === 'default');
    for (let i = 0; i < routing; i += 1)
      fireEvent.click(within(bar).getByRole('button', { name: 'Next stop' }));
    expect(bar).toHaveTextContent(`stop ${routing + 1} of ${stops.length}`);
    const router = findKeyStep(iptables.steps, { phase: 'request', kind: 'router' }) ?? 0;
    await waitFor(() => expect(narration).toHaveTextContent(`step ${router + 1} of ${total}`));
    await user.click(within(bar).getByRole('button', { name: 'End the tour' }));
    expect(screen.queryByRole('navigation', { name: 'Tour' })).not.toBeInTheDocument();
  }, 30_000);

  it('presenting, Page Down at the last step of a stop opens the next stop; Page Up at its start goes back', async () => {
    const { user, narration } = renderApp();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Scenario' }), 'tour:seed');
    const bar = screen.getByRole('navigation', { name: 'Tour' });
    // Two consecutive stops on the seed cluster: userspace mode, then ipvs mode.
    const userspace = stops.findIndex((s) => s.mode === 'userspace');
    expect(stops[userspace + 1]?.mode).toBe('ipvs');
    for (let i = 0; i < userspace; i += 1)
      fireEvent.click(within(bar).getByRole('button', { name: 'Next stop' }));
    await waitFor(() => expect(screen.getByRole('radio', { name: /userspace/ })).toBeChecked());
    await user.keyboard('p');
    await user.keyboard('{End}');
    await waitFor(() => expect(narration).toHaveTextContent(/step (\d+) of \1(?!\d)/));
    await user.keyboard('{PageDown}');
    expect(bar).toHaveTextContent(`stop ${userspace + 2} of ${stops.length}`);
    await waitFor(() => expect(screen.getByRole('radio', { name: /ipvs/ })).toBeChecked());
    // Page Down inside a stop still steps.
    await user.keyboard('{Home}{PageDown}');
    expect(bar).toHaveTextContent(`stop ${userspace + 2} of ${stops.length}`);
    await user.keyboard('{Home}{PageUp}');
    expect(bar).toHaveTextContent(`stop ${userspace + 1} of ${stops.length}`);
  }, 30_000);

  it("a stop with another mode switches kube-proxy's mode, and the stop's notes are in the speaker notes", async () => {
    const { user, narration } = renderApp();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Scenario' }), 'tour:seed');
    const bar = screen.getByRole('navigation', { name: 'Tour' });
    const ipvs = stops.findIndex((s) => s.mode === 'ipvs');
    for (let i = 0; i < ipvs; i += 1) fireEvent.click(within(bar).getByRole('button', { name: 'Next stop' }));
    expect(bar).toHaveTextContent(`stop ${ipvs + 1} of`);
    await waitFor(() => expect(screen.getByRole('radio', { name: /ipvs/ })).toBeChecked());
    await waitFor(() => expect(narration).toHaveTextContent(/IPVS|virtual server/i));
    await user.keyboard('n');
    expect(screen.getByRole('complementary', { name: 'Speaker notes' })).toHaveTextContent(
      stops[ipvs]?.notes ?? '',
    );
  });
});

describe('Presenting over a tour stop’s explorer panel', () => {
  function Harness() {
    const root = useRef<HTMLDivElement>(null);
    usePresenter(root);
    useActionKeys();
    return <div ref={root} />;
  }

  it('Page Down / Page Up change stops even though the panel (a dialog) keeps keys to itself', async () => {
    const { store, user } = renderWithStore(<Harness />);
    act(() => {
      store.getState().startTour('seed', 0);
      store.getState().setPresenting(true);
    });
    await user.keyboard('{PageDown}');
    // No panel: Page Down steps within the stop.
    expect(store.getState().tour?.stop).toBe(0);
    expect(store.getState().cursor).toBeGreaterThan(0);
    act(() => store.getState().openPanel('registration'));
    const cursor = store.getState().cursor;
    await user.keyboard('{PageDown}');
    expect(store.getState().tour?.stop).toBe(1);
    expect(store.getState().cursor).toBe(cursor);
    await user.keyboard('{PageUp}');
    expect(store.getState().tour?.stop).toBe(0);
  });
});
