import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RequestPicker } from '../../../src/view/request/RequestPicker';
import { validateRequestForm } from '../../../src/view/request/requestForm';
import { renderWithStore } from './renderWithStore';

async function setup() {
  const r = renderWithStore(<RequestPicker />);
  const summary = screen.getByRole('button', { name: /^Request:/ });
  await r.user.click(summary);
  const form = await screen.findByRole('form', { name: 'Request' });
  const f = within(form);
  return {
    ...r,
    summary,
    form,
    client: f.getByRole('combobox', { name: 'Client' }),
    target: f.getByRole('combobox', { name: 'Target' }),
    port: f.getByRole('spinbutton', { name: 'Port' }),
    protocol: f.getByRole('combobox', { name: 'Protocol' }),
    apply: f.getByRole('button', { name: 'Trace' }),
  };
}

describe('RequestPicker', () => {
  it('offers running, non-hostNetwork pods grouped by namespace, and an external client', async () => {
    const { client } = await setup();
    const groups = within(client).getAllByRole('group');
    expect(groups.map((g) => g.getAttribute('label'))).toEqual([
      'default',
      'kube-system',
      'outside the cluster',
    ]);
    expect(
      within(groups[0] as HTMLElement)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['server-1', 'client', 'server-2']);
    expect(client).toHaveValue('default/client');
  });

  it('suggests Services by short name in the client namespace, qualified elsewhere, and pod IPs', async () => {
    const { container } = await setup();
    const values = [...container.querySelectorAll('datalist option')].map((o) => o.getAttribute('value'));
    expect(values).toContain('web-svc');
    expect(values).toContain('kube-dns.kube-system');
    expect(values).toContain('10.0.2.2');
  });

  it('shows the Service first port as the port placeholder', async () => {
    const { port } = await setup();
    expect(port).toHaveAttribute('placeholder', '80');
  });

  it('applies a valid request through setRequest and traces it', async () => {
    const { user, store, target, port, protocol, apply } = await setup();
    await user.clear(target);
    await user.type(target, '10.0.2.2');
    await user.type(port, '8080');
    await user.selectOptions(protocol, 'TCP');
    await user.click(apply);
    const s = store.getState();
    expect(s.request).toEqual({
      from: { kind: 'pod', namespace: 'default', name: 'client' },
      to: '10.0.2.2',
      port: 8080,
      protocol: 'TCP',
    });
    expect(s.trace?.resolved?.address).toBe('10.0.2.2');
  });

  it('refuses an empty target with an inline message and leaves the store alone', async () => {
    const { user, store, target, apply } = await setup();
    const before = store.getState().request;
    await user.clear(target);
    await user.click(apply);
    expect(screen.getByRole('alert')).toHaveTextContent('Enter a target');
    expect(target).toHaveAttribute('aria-invalid', 'true');
    expect(store.getState().request).toBe(before);
  });

  it('refuses a port out of range', async () => {
    const { user, store, port, apply } = await setup();
    const before = store.getState().request;
    await user.type(port, '70000');
    await user.click(apply);
    expect(screen.getByRole('alert')).toHaveTextContent('1 to 65535');
    expect(store.getState().request).toBe(before);
  });

  it('asks an external client for a valid IP and an IP target', async () => {
    const { user, store, client, target, apply } = await setup();
    const before = store.getState().request;
    await user.selectOptions(client, 'external client…');
    const ip = screen.getByRole('textbox', { name: 'Client IP' });
    await user.clear(ip);
    await user.type(ip, '203.0.113.999');
    await user.click(apply);
    expect(screen.getByRole('alert')).toHaveTextContent('not an IPv4 address');
    expect(store.getState().request).toBe(before);

    await user.clear(ip);
    await user.type(ip, '203.0.113.7');
    await user.click(apply);
    expect(screen.getByRole('alert')).toHaveTextContent('no cluster DNS');
    expect(store.getState().request).toBe(before);

    await user.clear(target);
    await user.type(target, '10.100.0.2');
    await user.click(apply);
    expect(store.getState().request.from).toEqual({ kind: 'external', ip: '203.0.113.7' });
    expect(store.getState().request.to).toBe('10.100.0.2');
  });

  it('summarises the request, focuses the client when opened, and closes after a good apply', async () => {
    const { summary, client, apply, user, store } = await setup();
    expect(summary).toHaveAccessibleName('Request: from default/client to web-svc');
    expect(summary).toHaveAttribute('aria-expanded', 'true');
    expect(client).toHaveFocus();
    await user.click(apply);
    expect(screen.queryByRole('form', { name: 'Request' })).not.toBeInTheDocument();
    expect(store.getState().request.to).toBe('web-svc');
  });

  it('closes on Escape without applying', async () => {
    const { user, target, store, summary } = await setup();
    const before = store.getState().request;
    await user.type(target, 'x');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('form', { name: 'Request' })).not.toBeInTheDocument();
    expect(store.getState().request).toBe(before);
    expect(summary).toHaveFocus();
  });

  it('follows a request changed elsewhere', async () => {
    const { store, target, summary } = await setup();
    act(() => store.getState().setRequest({ to: 'kube-dns.kube-system', port: 53, protocol: 'UDP' }));
    expect(target).not.toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Target' })).toHaveValue('kube-dns.kube-system');
    expect(summary).toHaveAccessibleName('Request: from default/client to kube-dns.kube-system:53 UDP');
  });
});

describe('validateRequestForm', () => {
  const base = {
    client: 'default/client',
    externalIP: '',
    target: 'web-svc',
    port: '',
    protocol: 'TCP' as const,
  };
  it('leaves the port out when empty', () => {
    const r = validateRequestForm(base);
    expect(r.ok && r.request.port).toBeUndefined();
  });
  it('refuses a malformed IP-looking target and a name with spaces', () => {
    expect(validateRequestForm({ ...base, target: '10.0.0.300' })).toMatchObject({
      ok: false,
      field: 'target',
    });
    expect(validateRequestForm({ ...base, target: 'web svc' })).toMatchObject({ ok: false, field: 'target' });
    expect(validateRequestForm({ ...base, port: '8.5' })).toMatchObject({ ok: false, field: 'port' });
  });
});
