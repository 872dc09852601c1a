import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { VolleyButton } from '../../../src/view/volley/VolleyButton';
import { renderWithStore } from '../request/renderWithStore';

function counts(figure: HTMLElement): number[] {
  return within(figure)
    .getAllByRole('listitem')
    .map((bar) => Number(bar.getAttribute('data-count')));
}

async function openAndFire(n?: number) {
  const r = renderWithStore(<VolleyButton />);
  await r.user.click(screen.getByRole('button', { name: 'Load balancing' }));
  const dialog = await screen.findByRole('dialog', { name: 'Load balancing', busy: false });
  if (n !== undefined) {
    const input = within(dialog).getByRole('spinbutton', { name: 'Requests' });
    await r.user.clear(input);
    await r.user.type(input, String(n));
    await r.user.click(within(dialog).getByRole('button', { name: 'Fire' }));
  }
  const withAffinity = await within(dialog).findByRole(
    'figure',
    { name: 'With ClientIP session affinity' },
    { timeout: 10_000 },
  );
  const without = within(dialog).getByRole('figure', { name: 'Without session affinity' });
  return { ...r, dialog, without, withAffinity };
}

describe('Load balancing volley', () => {
  it('fires 1,000 seeded requests by default: two backends, counts summing to N, affinity on one', async () => {
    const { without, withAffinity, dialog } = await openAndFire();
    expect(within(dialog).getByRole('spinbutton', { name: 'Requests' })).toHaveValue(1000);
    const spread = counts(without);
    expect(spread).toHaveLength(2);
    expect(spread.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(within(without).getByText(/ideal 1\/2 = 500/)).toBeInTheDocument();
    expect(
      within(without).getByRole('listitem', { name: /^server-1 10\.0\.1\.2:8080: \d+ connections/ }),
    ).toBeInTheDocument();
    expect(counts(withAffinity)).toEqual([1000]);
    expect(within(withAffinity).getByText(/No connections:/)).toBeInTheDocument();
  }, 20_000);

  it('honours N and the current mode', async () => {
    const r = renderWithStore(<VolleyButton />);
    act(() => r.store.getState().setMode('ipvs'));
    await r.user.click(screen.getByRole('button', { name: 'Load balancing' }));
    const dialog = await screen.findByRole('dialog', { name: 'Load balancing', busy: false });
    expect(within(dialog).getByText(/scheduler decides/)).toBeInTheDocument();
    const input = within(dialog).getByRole('spinbutton', { name: 'Requests' });
    await r.user.clear(input);
    await r.user.type(input, '37');
    await r.user.click(within(dialog).getByRole('button', { name: 'Fire' }));
    const without = await within(dialog).findByRole('figure', { name: 'Without session affinity' });
    await within(dialog).findByRole('figure', { name: 'With ClientIP session affinity' });
    // rr: real servers in turn, so 37 split 19/18.
    expect(counts(without).sort()).toEqual([18, 19]);
  }, 20_000);

  it('refuses N out of range without firing', async () => {
    const { user, dialog } = await openAndFire();
    const input = within(dialog).getByRole('spinbutton', { name: 'Requests' });
    await user.clear(input);
    await user.type(input, '0');
    await user.click(within(dialog).getByRole('button', { name: 'Fire' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('whole number from 1');
    expect(
      within(dialog).getByRole('figure', { name: 'With ClientIP session affinity' }),
    ).toBeInTheDocument();
  }, 20_000);

  it('says why an external client cannot volley', async () => {
    const r = renderWithStore(<VolleyButton />);
    act(() =>
      r.store.getState().setRequest({ from: { kind: 'external', ip: '203.0.113.7' }, to: '10.100.0.2' }),
    );
    await r.user.click(screen.getByRole('button', { name: 'Load balancing' }));
    expect(await screen.findByRole('alert', {}, { timeout: 5000 })).toHaveTextContent(
      'volleys start from a pod',
    );
  });
});

describe('Load balancing with a dead backend', () => {
  it('marks the dead backend and counts the connections that got no reply', async () => {
    const r = renderWithStore(<VolleyButton />);
    act(() => r.store.getState().setDeadEndpoints(['10.0.2.2:8080']));
    await r.user.click(screen.getByRole('button', { name: 'Load balancing' }));
    const dialog = await screen.findByRole('dialog', { name: 'Load balancing', busy: false });
    const without = await within(dialog).findByRole(
      'figure',
      { name: 'Without session affinity' },
      { timeout: 10_000 },
    );
    const dead = within(without).getByRole('listitem', {
      name: /^server-2 10\.0\.2\.2:8080: \d+ connections .*dead: no reply$/,
    });
    expect(
      within(without).getByText(
        new RegExp(`^${dead.getAttribute('data-count')} of 1,000 connections got no reply`),
      ),
    ).toBeInTheDocument();
  }, 20_000);
});
