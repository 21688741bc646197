import { describe, expect, it } from 'vitest';
import { buildDeps } from '#functions/eval-engine-down/deps.ts';
import type { Cluster } from '#shared/kube/types.ts';

describe('buildDeps', () => {
  it('waits for a rollout at most four minutes, leaving time to escalate', () => {
    // Act
    const deps = buildDeps({} as Cluster);

    // Assess
    expect(deps.rollout.timeoutMs).toBe(4 * 60_000);
  });
});
