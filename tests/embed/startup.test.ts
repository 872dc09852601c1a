import { describe, expect, it } from 'vitest';
import { startupFromSearch } from '../../src/embed/startup';

describe('start-up from the URL', () => {
  it('shows the default cluster without parameters', async () => {
    const s = await startupFromSearch('');
    expect(s.cluster.name).toBe('seed');
    expect(s.notice).toBeNull();
  });

  it('generates a cluster for ?generate=NxP', async () => {
    const s = await startupFromSearch('?generate=4x3');
    expect(s.cluster.nodes).toHaveLength(4);
    expect(s.cluster.pods).toHaveLength(13); // 4 × 3 + CoreDNS
  });

  it('falls back to the default cluster with a plain message for a bad or oversized spec', async () => {
    expect((await startupFromSearch('?generate=%3Cscript%3E')).notice).toContain('is not NODESxPODS');
    const big = await startupFromSearch('?generate=9999x9999');
    expect(big.cluster.name).toBe('seed');
    expect(big.notice).toContain('showing the default cluster');
  });
});
