import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { trace } from '../../../src/engine/trace';
import { defaultRequest, isKeyStep } from '../../../src/store';
import { App } from '../../../src/view/App';
import { NotesWindow } from '../../../src/view/present/NotesWindow';
import { seedCluster } from '../../fixtures/seedCluster';

const iptables = trace(seedCluster, defaultRequest(seedCluster), { mode: 'iptables' });

describe('the speaker notes window (?notes)', () => {
  it("follows the presenter's app over a BroadcastChannel, and its buttons drive it", async () => {
    const user = userEvent.setup();
    render(<App cluster={seedCluster} />);
    const narration = screen.getByRole('status', { name: 'Narration' });
    render(<NotesWindow />);
    const notes = screen.getByRole('main', { name: 'Speaker notes' });
    // It asks for the notes when it opens.
    await waitFor(() => expect(notes).toHaveTextContent(`Step 1 of ${iptables.steps.length}`));
    expect(notes).toHaveTextContent(iptables.steps[0]?.caption ?? '');
    expect(notes).toHaveTextContent(`Next: ${iptables.steps[1]?.caption ?? ''}`);

    let key = 1;
    while (!isKeyStep(iptables, key)) key += 1;
    await user.click(within(notes).getByRole('button', { name: 'Next ›' }));
    await waitFor(() => expect(narration).toHaveTextContent(`step ${key + 1} of`));
    await waitFor(() => expect(notes).toHaveTextContent(`Step ${key + 1} of`));
    expect(notes).toHaveTextContent(iptables.steps[key]?.caption ?? '');
  });
});
