import type { Cluster } from '#shared/kube/types.ts';
import { entryFor } from '#shared/playbook/catalog.ts';
import type { Dependency } from './logs.ts';
import type { MemoryLimits } from './steps/memory.ts';

/** What the playbook needs from outside, injectable in tests. */
export interface EvalEngineDeps {
  cluster: Cluster;
  memory: MemoryLimits;
  rollout: { timeoutMs: number; pollMs: number };
  health: { port: number; path: string };
  /** Deployment (and service) name of each dependency. */
  dependencies: Readonly<Record<Dependency, string>>;
  clock: () => Date;
}

// Four minutes: about the time a rolling restart of the engine takes,
// and it leaves time to diagnose before and to escalate after inside the
// Lambda's timeout (the infra sets 10 minutes). A slower rollout is a
// person's to judge.
export const ROLLOUT_TIMEOUT_MS = 4 * 60_000;
const ROLLOUT_POLL_MS = 2_000;

/** The eval engine's health endpoint (its service port, 8099). */
export const HEALTH = { port: 8099, path: '/health' } as const;

/**
 * Dependencies with the catalog's memory steps and the playbook's fixed
 * names; overrides are for tests and the local world.
 */
export function buildDeps(
  cluster: Cluster,
  overrides: Partial<Omit<EvalEngineDeps, 'cluster'>> = {},
): EvalEngineDeps {
  return {
    cluster,
    memory: catalogMemory(),
    rollout: { timeoutMs: ROLLOUT_TIMEOUT_MS, pollMs: ROLLOUT_POLL_MS },
    health: HEALTH,
    dependencies: { postgresql: 'tars-postgres', redis: 'tars-redis' },
    clock: () => new Date(),
    ...overrides,
  };
}

function catalogMemory(): MemoryLimits {
  const limits = entryFor('eval-engine-down')?.limits;
  const steps = limits?.memorySteps ?? [];
  const cap = limits?.memoryCap ?? steps.at(-1);
  if (!cap) {
    // Without a cap there is no safe raise: the act step blocks on it.
    return { steps: [], cap: '0' };
  }
  return { steps, cap, requestAtCap: limits?.memoryRequestAtCap };
}
