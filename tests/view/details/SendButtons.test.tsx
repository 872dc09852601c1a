import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DetailsPanel } from '../../../src/view/details/DetailsPanel';
import { renderWithStore } from '../request/renderWithStore';

describe('DetailsPanel: send buttons', () => {
  it('"Send from this pod" makes the selected pod the client', async () => {
    const { store, user } = renderWithStore(<DetailsPanel />);
    act(() => store.getState().select('pod:default/server-2'));
    await user.click(screen.getByRole('button', { name: 'Send from this pod' }));
    expect(store.getState().request.from).toEqual({ kind: 'pod', namespace: 'default', name: 'server-2' });
    expect(store.getState().trace?.steps[0]?.location.netns).toBe('pod:default/server-2');
  });

  it('"Send to this pod" targets its IP and first container port', async () => {
    const { store, user } = renderWithStore(<DetailsPanel />);
    act(() => store.getState().select('pod:default/server-1'));
    await user.click(screen.getByRole('button', { name: 'Send to this pod' }));
    expect(store.getState().request).toMatchObject({ to: '10.0.1.2', port: 8080, protocol: 'TCP' });
    expect(store.getState().trace?.resolved?.backend).toEqual({ ip: '10.0.1.2', port: 8080 });
  });

  it('"Send to this Service" targets it by the name the client would use', async () => {
    const { store, user } = renderWithStore(<DetailsPanel />);
    act(() => store.getState().setRequest({ to: '10.0.1.2', port: 8080 }));
    act(() => store.getState().select('svc:kube-system/kube-dns'));
    await user.click(screen.getByRole('button', { name: 'Send to this Service' }));
    expect(store.getState().request).toMatchObject({ to: 'kube-dns.kube-system', port: undefined });

    act(() => store.getState().select('svc:default/web-svc'));
    await user.click(screen.getByRole('button', { name: 'Send to this Service' }));
    expect(store.getState().request.to).toBe('web-svc');
    expect(store.getState().trace?.resolved?.address).toBe('10.3.241.152');
  });
});
