import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { NoticeBanner } from '../../../src/view/share/NoticeBanner';

describe('NoticeBanner', () => {
  it('says what went wrong and can be dismissed', async () => {
    const onDismiss = vi.fn();
    render(
      <NoticeBanner message="This link is damaged (x); showing the default cluster" onDismiss={onDismiss} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('This link is damaged');
    expect(screen.queryByRole('link', { name: 'Download the damaged save' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('offers a damaged save as a download, and forgets it only on Discard', async () => {
    const created: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob);
      return 'blob:damaged';
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const onDiscard = vi.fn();
    const onDismiss = vi.fn();
    render(
      <NoticeBanner
        message="Your saved work could not be read"
        damagedSave='{"schema":2,'
        onDiscard={onDiscard}
        onDismiss={onDismiss}
      />,
    );
    const link = await screen.findByRole('link', { name: 'Download the damaged save' });
    expect(link).toHaveAttribute('href', 'blob:damaged');
    expect(await created[0]?.text()).toBe('{"schema":2,');
    expect(onDiscard).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(onDiscard).toHaveBeenCalledTimes(1);
    expect(onDismiss).toHaveBeenCalledTimes(1);
    create.mockRestore();
    revoke.mockRestore();
  });
});
