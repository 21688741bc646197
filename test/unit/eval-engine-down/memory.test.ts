import { describe, expect, it } from 'vitest';
import {
  memoryPatch,
  nextMemory,
} from '#functions/eval-engine-down/steps/memory.ts';

const LIMITS = { steps: ['8Gi', '16Gi'], cap: '16Gi', requestAtCap: '8Gi' };
const now = (limit: string | null, request: string | null = null) => ({
  container: 'eval-engine',
  limit,
  request,
});

describe('nextMemory', () => {
  it.each([
    [null, '8Gi', null],
    ['4Gi', '8Gi', null],
    ['4096Mi', '8Gi', null],
    ['8Gi', '16Gi', '8Gi'],
    ['9G', '16Gi', '8Gi'],
  ])('raises a limit of %s to %s', (limit, next, request) => {
    // Act
    const plan = nextMemory(now(limit), LIMITS);

    // Assess
    expect(plan).toEqual({ ok: true, limit: next, request });
  });

  it('blocks at the cap rather than going past it', () => {
    const plan = nextMemory(now('16Gi'), LIMITS);

    expect(plan).toEqual({
      ok: false,
      reason: 'memory limit 16Gi is at the cap 16Gi',
    });
  });

  it('never lowers a limit set above the cap', () => {
    const plan = nextMemory(now('32Gi'), LIMITS);

    expect(plan.ok).toBe(false);
  });

  it('keeps a request that is already higher than the one at the cap', () => {
    const plan = nextMemory(now('8Gi', '12Gi'), LIMITS);

    expect(plan).toEqual({ ok: true, limit: '16Gi', request: null });
  });
});

describe('memoryPatch', () => {
  it('merges the container by name with our rollout mark', () => {
    const mark = { annotations: { 'oncall.tars/rollout-by': 'inc-1' } };

    const patch = memoryPatch(
      'eval-engine',
      { limit: '16Gi', request: '8Gi' },
      mark,
    );

    expect(patch).toEqual({
      metadata: mark,
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'eval-engine',
                resources: {
                  limits: { memory: '16Gi' },
                  requests: { memory: '8Gi' },
                },
              },
            ],
          },
        },
      },
    });
  });
});
