import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { decodeState } from '../../../src/embed/urlState';
import { CopyLinkButton } from '../../../src/view/share/CopyLinkButton';
import { renderWithStore } from '../request/renderWithStore';

describe('Copy link', () => {
  it('copies a link to the current mode and step, and says so', async () => {
    const { user, store } = renderWithStore(<CopyLinkButton />);
    store.getState().setSeed(42);
    await user.click(screen.getByRole('button', { name: 'Copy link' }));
    expect(await screen.findByText('Link copied', {}, { timeout: 5000 })).toBeInTheDocument();
    const link = await navigator.clipboard.readText();
    expect(link.startsWith(`${window.location.origin}${window.location.pathname}?v=1&`)).toBe(true);
    const decoded = decodeState(new URL(link).search);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.state.seed).toBe(42);
    expect(decoded.state.mode).toBe(store.getState().mode);
    expect(decoded.state.step).toBe(store.getState().cursor);
    expect(decoded.state.request).toEqual(store.getState().request);
    expect(decoded.state.scenario?.kind).toBeDefined();
  });

  it('shows the link selected when the clipboard refuses', async () => {
    const { user } = renderWithStore(<CopyLinkButton />);
    const spy = vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('denied'));
    await user.click(screen.getByRole('button', { name: 'Copy link' }));
    const field = await screen.findByRole('textbox', { name: 'Link to this step' }, { timeout: 5000 });
    expect((field as HTMLInputElement).value).toMatch(/\?v=1&/);
    expect(screen.queryByText('Link copied')).toBeNull();
    spy.mockRestore();
  });
});
