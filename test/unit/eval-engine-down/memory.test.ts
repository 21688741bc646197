import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  memoryPatch,
  nextMemory,
  planMemory,
} from '#functions/eval-engine-down/steps/memory.ts';

const LIMITS = { steps: ['8Gi', '16Gi'], cap: '16Gi', requestAtCap: '8Gi' };
const now = (limit: string | null, request: string | null = null) => ({
  container: 'eval-engine',
  limit,
  request,
});

describe('nextMemory', () => {
  it.each([
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

  it('blocks an unset (unlimited) limit rather than imposing one', () => {
    // Act
    const plan = nextMemory(now(null), LIMITS);

    // Assess
    expect(plan).toEqual({
      ok: false,
      reason: 'no memory limit set; raising would impose one',
    });
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

function deploymentWith(names: string[]): V1Deployment {
  const containers = names.map((name) => ({
    name,
    resources: { limits: { memory: '4Gi' } },
  }));
  return {
    metadata: { name: 'tars-eval-engine' },
    spec: {
      selector: {},
      template: { spec: { containers } },
    },
  };
}

describe('planMemory', () => {
  it('plans the raise for the container that was killed', () => {
    const deployment = deploymentWith(['sidecar', 'eval-engine']);

    const { now: found, plan } = planMemory(deployment, 'eval-engine', LIMITS);

    expect(found?.container).toBe('eval-engine');
    expect(plan).toEqual({ ok: true, limit: '8Gi', request: null });
  });

  it('blocks when the killed container is not an app container', () => {
    // Prepare: the OOM kill was an init container's
    const deployment = deploymentWith(['eval-engine']);

    // Act
    const { now: found, plan } = planMemory(deployment, 'migrate-db', LIMITS);

    // Assess
    expect(found).toBeNull();
    expect(plan).toEqual({
      ok: false,
      reason:
        'container migrate-db is not an app container of deployment ' +
        'tars-eval-engine; not resizing another one',
    });
  });

  it('does not guess among several containers without a name', () => {
    const deployment = deploymentWith(['sidecar', 'eval-engine']);

    const { plan } = planMemory(deployment, null, LIMITS);

    expect(plan.ok).toBe(false);
  });
});
