import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CompareModesButton } from '../../../src/view/compare/CompareModesButton';
import { renderWithStore } from '../request/renderWithStore';

async function open() {
  const r = renderWithStore(<CompareModesButton />);
  await r.user.click(screen.getByRole('button', { name: 'Compare modes' }));
  const dialog = await screen.findByRole('dialog', { name: 'Compare modes', busy: false });
  const column = (mode: string) => within(dialog).getByRole('region', { name: mode });
  const figure = (mode: string, label: string) => {
    const dt = within(column(mode)).getByText(label, { selector: 'dt' });
    return Number(dt.nextElementSibling?.textContent);
  };
  return { ...r, dialog, column, figure };
}

describe('Compare modes', () => {
  it('shows the four modes side by side with their status and figures', async () => {
    const { column, figure } = await open();
    for (const [mode, tag] of [
      ['userspace', 'removed in v1.26'],
      ['iptables', 'default'],
      ['ipvs', 'deprecated in v1.35'],
      ['nftables', 'GA in v1.33'],
    ] as const) {
      expect(within(column(mode)).getByText(tag)).toBeInTheDocument();
      expect(within(column(mode)).getByText(/Delivered/)).toBeInTheDocument();
      expect(figure(mode, 'Hops')).toBeGreaterThan(0);
      expect(figure(mode, 'Rules evaluated')).toBeGreaterThan(0);
    }
    expect(figure('userspace', 'Kernel↔user copies')).toBeGreaterThan(0);
    for (const mode of ['iptables', 'ipvs', 'nftables']) expect(figure(mode, 'Kernel↔user copies')).toBe(0);
    expect(within(column('iptables')).getByText(/-j DNAT --to-destination/)).toBeInTheDocument();
    expect(within(column('userspace')).getByText(/REDIRECT --to-ports/)).toBeInTheDocument();
  });

  it('"Show in player" sets the mode and puts the cursor on that mode\'s trap', async () => {
    const { user, store, column } = await open();
    expect(store.getState().mode).not.toBe('ipvs');
    await user.click(within(column('ipvs')).getByRole('button', { name: 'Show in player' }));
    const s = store.getState();
    expect(s.mode).toBe('ipvs');
    const step = s.trace?.steps[s.cursor];
    expect(step?.kind).toBe('ipvs');
    expect(step?.rewrite?.by).toBe('IPVS');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('"A backend dies": userspace retries another pod, the kernel modes send to the dead one', async () => {
    const { user, store, column, dialog } = await open();
    await user.click(within(dialog).getByRole('checkbox', { name: 'A backend dies' }));
    expect(store.getState().deadEndpoints).toHaveLength(1);
    const retry = within(column('userspace')).getByRole('note', { name: 'userspace retry' });
    expect(retry).toBeInTheDocument();
    expect(within(column('userspace')).getByText(/Delivered/)).toBeInTheDocument();
    for (const mode of ['iptables', 'ipvs', 'nftables']) {
      expect(within(column(mode)).getByText(/gone but still listed/)).toBeInTheDocument();
      expect(within(column(mode)).queryByRole('note')).not.toBeInTheDocument();
    }
    await user.click(within(dialog).getByRole('checkbox', { name: 'A backend dies' }));
    expect(store.getState().deadEndpoints).toEqual([]);
    expect(within(column('userspace')).queryByRole('note')).not.toBeInTheDocument();
  });

  it('measures the rules walked at 1,000 Services on request', async () => {
    const { user, dialog } = await open();
    await user.click(within(dialog).getByRole('button', { name: 'Measure with 1,000 Services' }));
    const table = await within(dialog).findByRole('table', {}, { timeout: 10_000 });
    const modes = within(table)
      .getAllByRole('columnheader')
      .map((th) => th.textContent);
    const atTrap = within(
      within(table).getByRole('rowheader', { name: 'at the trap' }).closest('tr') as HTMLElement,
    )
      .getAllByRole('cell')
      .map((td) => Number(td.textContent?.replace(/,/g, '')));
    const cell = (mode: string) => atTrap[modes.indexOf(mode)];
    expect(cell('iptables')).toBeGreaterThan(900);
    expect(cell('ipvs')).toBeLessThan(50);
    expect(cell('nftables')).toBeLessThan(50);
  }, 20_000);

  it('closes on Escape', async () => {
    const { user } = await open();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Compare modes' })).toHaveFocus();
  });
});
