import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/scenarios/load';
import { DetailsPanel } from '../../../src/view/details/DetailsPanel';
import DnsPanel from '../../../src/view/dns/DnsPanel';
import { PanelHost } from '../../../src/view/panels/PanelHost';
import { renderWithStore } from '../request/renderWithStore';

const cluster = loadScenario('dns');

function table(title: string): HTMLElement {
  const caption = screen.getByText(title, { selector: '.dns-group-title' });
  const element = caption.closest('table');
  if (!element) throw new Error(`no table for ${title}`);
  return element;
}

const rows = (t: HTMLElement) => within(t).getAllByRole('row').slice(1) as HTMLTableRowElement[];

describe('DnsPanel: the records browser', () => {
  it('lists the records grouped by what they are for', () => {
    renderWithStore(<DnsPanel />, cluster);
    const headless = rows(table('Headless Services')).map((r) => r.textContent);
    expect(headless).toHaveLength(2);
    expect(headless.every((t) => t?.includes('db.default.svc.cluster.local.'))).toBe(true);
    expect(rows(table('ExternalName'))[0]?.textContent).toContain('kubernetes.io.');
    expect(within(table('Pods')).getByText('10-0-1-3.default.pod.cluster.local.')).toBeTruthy();
    expect(
      within(table('SRV (named ports)')).getAllByText('_postgres._tcp.db.default.svc.cluster.local.'),
    ).toHaveLength(2);
  });

  it('filters by type, namespace and text', async () => {
    const { user } = renderWithStore(<DnsPanel />, cluster);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'SRV');
    const types = screen.getAllByRole('table').flatMap((t) => rows(t).map((r) => r.cells[1]?.textContent));
    expect(new Set(types)).toEqual(new Set(['SRV']));
    expect(screen.queryByText('Headless Services', { selector: '.dns-group-title' })).toBeNull();

    await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'all');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Namespace' }), 'kube-system');
    const names = screen
      .getAllByRole('table')
      .flatMap((t) => rows(t).map((r) => r.cells[0]?.textContent ?? ''));
    expect(names.length).toBeGreaterThan(0);
    expect(names.some((n) => n.includes('.default.'))).toBe(false);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Namespace' }), 'all');
    await user.type(screen.getByRole('searchbox', { name: 'Contains' }), 'nothing-like-this');
    expect(screen.getByText('No record matches.')).toBeTruthy();
  });
});

describe('DnsPanel: the lookup tool', () => {
  /** The candidate names, one item each (answers are nested lists inside them). */
  const queries = () =>
    [...screen.getByRole('list', { name: 'Queries sent, in order' }).children] as HTMLElement[];

  it('shows the pod’s resolv.conf and walks the search list for a short name', () => {
    renderWithStore(<DnsPanel />, cluster);
    expect(
      screen.getByText(/search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/),
    ).toBeTruthy();
    const first = queries()[0];
    expect(first?.textContent).toContain('web-svc.default.svc.cluster.local.');
    expect(first?.textContent).toContain('NOERROR');
  });

  it('a name with 5 dots is tried as-is first', async () => {
    const { user } = renderWithStore(<DnsPanel />, cluster);
    await user.click(screen.getByRole('button', { name: '5 dots' }));
    const [first, ...rest] = queries();
    expect(first?.textContent).toContain('db-0.db.default.svc.cluster.local.');
    expect(first?.textContent).not.toContain('local.default.svc');
    expect(first?.textContent).toContain('10.0.1.4');
    expect(rest.every((r) => r.textContent.includes('not sent'))).toBe(true);
    expect(screen.getByText(/5 dots ≥ ndots:5/)).toBeTruthy();
  });

  it('a trailing dot gives exactly one query', async () => {
    const { user } = renderWithStore(<DnsPanel />, cluster);
    await user.click(screen.getByRole('button', { name: 'Trailing dot' }));
    expect(queries()).toHaveLength(1);
    expect(queries()[0]?.textContent).toContain('web-svc.default.svc.cluster.local.');
  });

  it('a name that misses the search list ends with the absolute name, forwarded upstream', async () => {
    const { user } = renderWithStore(<DnsPanel />, cluster);
    const input = screen.getByRole('textbox', { name: 'Name' });
    await user.clear(input);
    await user.type(input, 'nope{Enter}');
    const items = queries();
    expect(items.map((i) => i.textContent.includes('NXDOMAIN'))).toEqual([true, true, true, false]);
    expect(items[3]?.textContent).toContain('forwarded upstream');
  });

  it('opens from a pod’s Details, looking up from that pod', async () => {
    const { store, user } = renderWithStore(
      <>
        <DetailsPanel />
        <PanelHost />
      </>,
      cluster,
    );
    act(() => store.getState().select('pod:default/db-1'));
    await user.click(screen.getByRole('button', { name: 'DNS lookups from this pod…' }));
    expect(store.getState().panel).toBe('dns');
    const dialog = await screen.findByRole('dialog', { name: 'DNS for Services and Pods' });
    expect(await within(dialog).findByRole('combobox', { name: 'Pod' })).toHaveProperty(
      'value',
      'default/db-1',
    );
    expect(within(dialog).getByText('/etc/resolv.conf of db-1')).toBeTruthy();
  });
});
