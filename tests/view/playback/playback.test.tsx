import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { trace } from '../../../src/engine/trace';
import type { Cluster } from '../../../src/model/types';
import { defaultRequest } from '../../../src/store';
import { App } from '../../../src/view/App';
import { seedCluster } from '../../fixtures/seedCluster';

const iptablesTrace = trace(seedCluster, defaultRequest(seedCluster), { mode: 'iptables' });
const trapIndex = iptablesTrace.steps.findIndex(
  (s) => s.phase === 'request' && s.kind === 'netfilter' && s.rewrite?.by === 'DNAT',
);
const total = iptablesTrace.steps.length;

function renderApp(cluster: Cluster = seedCluster) {
  const user = userEvent.setup();
  render(<App cluster={cluster} />);
  const narration = screen.getByRole('status', { name: 'Narration' });
  return { user, narration };
}

function caption(index: number): string {
  const step = iptablesTrace.steps[index];
  if (!step) throw new Error(`no step ${index}`);
  return step.caption;
}

describe('Playback controls', () => {
  it('steps with the buttons and narrates each step', async () => {
    const { user, narration } = renderApp();
    expect(narration).toHaveTextContent(`step 1 of ${total}`);
    expect(narration).toHaveTextContent(caption(0));
    await user.click(screen.getByRole('button', { name: 'Step forward' }));
    await user.click(screen.getByRole('button', { name: 'Step forward' }));
    expect(narration).toHaveTextContent(`step 3 of ${total}`);
    expect(narration).toHaveTextContent(caption(2));
    expect(narration).not.toHaveTextContent(caption(0));
    await user.click(screen.getByRole('button', { name: 'Step back' }));
    expect(narration).toHaveTextContent(`step 2 of ${total}`);
    expect(screen.getByRole('slider', { name: 'Trace position' })).toHaveValue('1');
    await user.click(screen.getByRole('button', { name: 'Restart' }));
    expect(narration).toHaveTextContent(`step 1 of ${total}`);
  });

  it('plays and pauses with one toggling button', async () => {
    const { user } = renderApp();
    await user.click(screen.getByRole('button', { name: 'Play' }));
    expect(screen.queryByRole('button', { name: 'Play' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
  });

  it('runs the named actions from the keyboard, and leaves Space on a focused button to the button', async () => {
    const { user, narration } = renderApp();
    await user.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}');
    expect(narration).toHaveTextContent(`step 4 of ${total}`);
    await user.keyboard('{ArrowLeft}');
    expect(narration).toHaveTextContent(`step 3 of ${total}`);
    await user.keyboard('{End}');
    expect(narration).toHaveTextContent(`step ${total} of ${total}`);
    expect(narration).toHaveTextContent('delivered');
    await user.keyboard('{Home}');
    expect(narration).toHaveTextContent(`step 1 of ${total}`);
    await user.keyboard(' ');
    expect(screen.getByRole('button', { name: 'Pause' })).toBeInTheDocument();
    // Focused on the toggle, Space clicks it once (not once by the button and once by the app).
    screen.getByRole('button', { name: 'Pause' }).focus();
    await user.keyboard(' ');
    expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
  });

  it('goes to the next key step with PageDown: the DNS trap rewrites the destination', async () => {
    const { user, narration } = renderApp();
    await user.keyboard('{PageDown}');
    const firstKey = iptablesTrace.steps.findIndex((s, i) => i > 0 && s.rewrite !== undefined);
    expect(narration).toHaveTextContent(`step ${firstKey + 1} of ${total}`);
  });

  it('changes speed with the Speed slider', () => {
    renderApp();
    const speed = screen.getByRole('slider', { name: 'Speed' });
    expect(speed).toHaveAttribute('aria-valuetext', '1×');
    fireEvent.change(speed, { target: { value: '5' } });
    expect(speed).toHaveAttribute('aria-valuetext', '4×');
  });
});

describe('Proxy mode', () => {
  it('switches mode with the radio group and re-traces: ipvs shows ipvsadm -Ln', async () => {
    const { user } = renderApp();
    await user.keyboard('{End}'); // a request-phase step: the rules panel shows rules, not the DNS lookup
    const group = screen.getByRole('radiogroup', { name: 'Proxy mode' });
    expect(within(group).getByRole('radio', { name: 'iptables' })).toBeChecked();
    expect(within(group).getByText('removed in v1.26')).toBeInTheDocument();
    expect(within(group).getByText('deprecated in v1.35')).toBeInTheDocument();
    expect(within(group).getByText('GA in v1.33')).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'IPVS scheduler' })).not.toBeInTheDocument();

    await user.click(within(group).getByRole('radio', { name: 'ipvs' }));
    expect(await within(group).findByRole('radio', { name: 'ipvs', checked: true })).toBeInTheDocument();
    const rules = await screen.findByRole('region', { name: 'Rules' });
    expect(await within(rules).findByText('# ipvsadm -Ln')).toBeInTheDocument();
    expect(
      within(rules).getByText((_, el) => el?.textContent?.trim() === 'TCP  10.3.241.152:80 rr'),
    ).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'IPVS scheduler' })).toHaveValue('rr');
  });

  it('switches mode with the number keys', async () => {
    const { user } = renderApp();
    await user.keyboard('{End}4');
    expect(await screen.findByRole('radio', { name: 'nftables', checked: true })).toBeInTheDocument();
    const rules = screen.getByRole('region', { name: 'Rules' });
    expect(await within(rules).findByText('# nft list table ip kube-proxy')).toBeInTheDocument();
  });
});

describe('At the trap', () => {
  it('shows the rewrite in the Packet region and lights the DNAT line in the Rules region', () => {
    renderApp();
    const trap = iptablesTrace.steps[trapIndex];
    if (!trap?.rewrite || !trap.rule) throw new Error('the iptables trace has no trap');
    fireEvent.change(screen.getByRole('slider', { name: 'Trace position' }), {
      target: { value: String(trapIndex) },
    });

    const packet = screen.getByRole('region', { name: 'Packet' });
    expect(packet).toHaveTextContent(`DNAT: dst ${trap.rewrite.from} → ${trap.rewrite.to}`);
    expect(within(packet).getByText('changed')).toBeInTheDocument();
    const changedRow = within(packet).getByRole('row', { name: /Destination/ });
    expect(changedRow).toHaveTextContent(`${trap.before.dst}:${trap.before.dport}`);
    expect(changedRow).toHaveTextContent(`→ ${trap.packet.dst}:${trap.packet.dport}`);
    expect(packet).toHaveTextContent(`dst=${trap.before.dst}`);

    const rules = screen.getByRole('region', { name: 'Rules' });
    // aria-current is the contract the browser tests use too.
    const lit = rules.querySelectorAll('[aria-current="true"]');
    expect(lit).toHaveLength(1);
    expect(lit[0]).toHaveTextContent('DNAT --to-destination');
    expect(lit[0]).toHaveTextContent(trap.rule.text);
  });

  it('explains a rule line that is clicked', async () => {
    const { user } = renderApp();
    fireEvent.change(screen.getByRole('slider', { name: 'Trace position' }), {
      target: { value: String(trapIndex) },
    });
    const rules = screen.getByRole('region', { name: 'Rules' });
    await user.click(within(rules).getByText(/--probability 0\.50000000000 -j KUBE-SEP/));
    // The explainer loads on demand.
    await within(rules).findByText(/50% of the new connections that get here \(probability 0\.50000000000\)/);
    expect(rules).toHaveTextContent('which DNATs to 10.0.1.2:8080');
  });
});

describe('Event list', () => {
  it('lists every step, marks the current one, and jumps on click', async () => {
    const { user, narration } = renderApp();
    await user.click(screen.getByRole('tab', { name: 'Events' }));
    const events = await screen.findByRole('region', { name: 'Events' });
    const rows = within(events).getAllByRole('button');
    expect(rows).toHaveLength(total);
    expect(rows[0]).toHaveAttribute('aria-current', 'true');
    const tenth = rows[9];
    if (!tenth) throw new Error('fewer than 10 rows');
    await user.click(tenth);
    expect(narration).toHaveTextContent(`step 10 of ${total}`);
    expect(within(events).getAllByRole('button')[9]).toHaveAttribute('aria-current', 'true');
    expect(within(events).getAllByRole('button')[0]).not.toHaveAttribute('aria-current');
    // Stepping keeps the Events tab.
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Events' })).toHaveAttribute('aria-selected', 'true');
  });

  it('filters rows by phase', async () => {
    const { user } = renderApp();
    await user.click(screen.getByRole('tab', { name: 'Events' }));
    const events = await screen.findByRole('region', { name: 'Events' });
    await user.click(within(events).getByRole('checkbox', { name: 'DNS' }));
    const nonDns = iptablesTrace.steps.filter((s) => s.phase !== 'dns').length;
    expect(within(events).getAllByRole('button')).toHaveLength(nonDns);
    expect(within(events).queryByText(caption(0))).not.toBeInTheDocument();
    await user.click(within(events).getByRole('checkbox', { name: 'request' }));
    await user.click(within(events).getByRole('checkbox', { name: 'reply' }));
    expect(within(events).queryAllByRole('button')).toHaveLength(0);
  });
});

describe('Side panel', () => {
  it('shows Details when an element is selected', async () => {
    const { user } = renderApp();
    expect(screen.getByRole('tab', { name: 'Step' })).toHaveAttribute('aria-selected', 'true');
    await user.click(screen.getByRole('button', { name: 'Pod default/client, 10.0.1.3' }));
    expect(screen.getByRole('tab', { name: 'Details' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByRole('complementary', { name: 'Details' })).toHaveTextContent('client');
  });

  it('shows the resolv.conf and the search list on DNS steps', () => {
    renderApp();
    const rules = screen.getByRole('region', { name: 'Rules' });
    expect(rules).toHaveTextContent('search default.svc.cluster.local svc.cluster.local cluster.local');
    expect(rules).toHaveTextContent('nameserver 10.3.240.10');
    const candidates = within(rules).getAllByRole('listitem');
    expect(candidates.map((li) => li.querySelector('code')?.textContent)).toEqual([
      'web-svc.default.svc.cluster.local.',
      'web-svc.svc.cluster.local.',
      'web-svc.cluster.local.',
      'web-svc.',
    ]);
    // At the answer, the first candidate is marked answered and CoreDNS's record is shown.
    const answer = iptablesTrace.steps.findIndex((s) => s.kind === 'dns-answer');
    fireEvent.change(screen.getByRole('slider', { name: 'Trace position' }), {
      target: { value: String(answer) },
    });
    expect(within(rules).getAllByRole('listitem')[0]).toHaveTextContent('answered');
    expect(rules).toHaveTextContent(
      'CoreDNS answered web-svc.default.svc.cluster.local. 30 IN A 10.3.241.152',
    );
  });
});

describe('Trace errors', () => {
  it('says why the request cannot be traced instead of crashing', () => {
    const cluster: Cluster = {
      ...seedCluster,
      pods: seedCluster.pods.map((p) => (p.name === 'client' ? { ...p, podIP: null } : p)),
    };
    const { narration } = renderApp(cluster);
    expect(narration).toHaveTextContent('pod default/client has no IP address (not running)');
    expect(screen.getByRole('button', { name: 'Play' })).toBeDisabled();
  });
});
