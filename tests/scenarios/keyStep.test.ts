import { describe, expect, it } from 'vitest';
import { trace } from '../../src/engine/trace';
import { defaultCluster } from '../../src/scenarios';
import { findKeyStep } from '../../src/scenarios/keyStep';

const t = trace(defaultCluster(), {
  from: { kind: 'pod', namespace: 'default', name: 'client' },
  to: 'web-svc',
});

describe('findKeyStep', () => {
  it('finds the trap of the request by phase, kind and rewrite', () => {
    const i = findKeyStep(t.steps, { phase: 'request', kind: 'netfilter', rewrite: true });
    expect(i).not.toBeNull();
    const step = t.steps[i ?? -1];
    expect(step?.rewrite?.field).toBe('dst');
    expect(step?.phase).toBe('request');
  });

  it('counts matches with nth (negative from the end) and says null when nothing matches', () => {
    const answers = t.steps.filter((s) => s.kind === 'dns-answer');
    expect(findKeyStep(t.steps, { kind: 'dns-answer', nth: -1 })).toBe(answers.at(-1)?.index);
    expect(findKeyStep(t.steps, { kind: 'encapsulate' })).toBeNull();
    expect(findKeyStep(t.steps, { kind: 'deliver', nth: 99 })).toBeNull();
  });

  it('matches captions case-insensitively', () => {
    const i = findKeyStep(t.steps, { captionIncludes: 'CONNTRACK' });
    expect(i === null ? '' : t.steps[i]?.caption.toLowerCase()).toContain('conntrack');
  });
});
