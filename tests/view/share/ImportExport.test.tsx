import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { exportClusterYaml } from '../../../src/manifests';
import { ImportExportButton } from '../../../src/view/share/ImportExportButton';
import { seedCluster } from '../../fixtures/seedCluster';
import { renderWithStore } from '../request/renderWithStore';

const BAD = `apiVersion: v1
kind: Service
metadata:
  name: web-svc
spec:
  selector:
    app: web
  ports:
    - port: 99999
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
    - name: c
      image: busybox
      ports:
        - containerPort: -1
`;

async function open() {
  const r = renderWithStore(<ImportExportButton />);
  await r.user.click(screen.getByRole('button', { name: 'Import / export' }));
  const dialog = await screen.findByRole(
    'dialog',
    { name: 'Import / export', busy: false },
    { timeout: 5000 },
  );
  const text = within(dialog).getByLabelText(/Kubernetes YAML or kubectl JSON/);
  return { ...r, dialog, text };
}

describe('Import / export', () => {
  it('lists every problem with its document and path, and changes nothing', async () => {
    const { user, store, dialog, text } = await open();
    const before = store.getState().cluster;
    await user.click(text);
    await user.paste(BAD);
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    const list = await within(dialog).findByRole('list', { name: 'Import problems' });
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.some((t) => /^document 1, spec\.ports\[0\]\.port: /.test(t ?? ''))).toBe(true);
    expect(items.some((t) => /^document 2, .*containerPort: /.test(t ?? ''))).toBe(true);
    expect(within(dialog).getByText(/Not imported/)).toBeInTheDocument();
    expect(store.getState().cluster).toBe(before);
  });

  it('a successful import replaces the cluster', async () => {
    const { user, store, dialog, text } = await open();
    const yaml = (await exportClusterYaml(seedCluster)).replace('  name: seed\n', '  name: imported\n');
    await user.click(text);
    await user.paste(yaml);
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    await within(dialog).findByText('Imported cluster imported', {}, { timeout: 5000 });
    expect(store.getState().cluster.name).toBe('imported');
    expect(store.getState().cluster.pods.map((p) => p.name)).toEqual(seedCluster.pods.map((p) => p.name));
  });

  it('shows the cluster as YAML with a Download link', async () => {
    const { dialog } = await open();
    const exported = await within(dialog).findByLabelText('Exported YAML', {}, { timeout: 5000 });
    expect((exported as HTMLTextAreaElement).value).toContain('kind: NetvizCluster');
    await waitFor(() =>
      expect(within(dialog).getByRole('link', { name: 'Download' })).toHaveAttribute(
        'download',
        'kube-netviz-cluster.yaml',
      ),
    );
  });
});
