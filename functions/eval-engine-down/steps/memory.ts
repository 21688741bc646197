import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import { parseMemory } from '#shared/kube/quantity.ts';

export interface MemoryLimits {
  /** Limit steps, lowest first, e.g. `['8Gi', '16Gi']`. */
  steps: readonly string[];
  /** Never set a limit above this. */
  cap: string;
  /** Request set beside a limit at the cap, e.g. `8Gi`. */
  requestAtCap?: string;
}

export interface MemoryNow {
  container: string;
  limit: string | null;
  request: string | null;
}

export type MemoryPlan =
  | { ok: true; limit: string; request: string | null }
  | { ok: false; reason: string };

/** Why no raise is planned for a container without a memory limit. */
export const NO_LIMIT_REASON = 'no memory limit set; raising would impose one';

/**
 * The app container to resize: the one that was killed. Without a name
 * (unknown) only a sole container is taken. A name that is not among the
 * app containers (e.g. an init container) is a reason, not a guess:
 * resizing another container would not help and hides the fault.
 */
export function pickContainer(
  deployment: V1Deployment,
  preferred: string | null,
): { container: V1Container } | { reason: string } {
  const name = deployment.metadata?.name ?? '';
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const named = containers.find((c) => c.name === preferred);
  if (named) {
    return { container: named };
  }
  if (preferred !== null) {
    return {
      reason:
        `container ${preferred} is not an app container of ` +
        `deployment ${name}; not resizing another one`,
    };
  }
  const [only] = containers;
  return containers.length === 1 && only
    ? { container: only }
    : { reason: `cannot tell which container of ${name} was OOM-killed` };
}

/**
 * The killed container's memory now and the raise planned for it; a plan
 * that is not ok carries the reason the cap guard blocks with.
 */
export function planMemory(
  deployment: V1Deployment,
  preferred: string | null,
  limits: MemoryLimits,
): { now: MemoryNow | null; plan: MemoryPlan } {
  const picked = pickContainer(deployment, preferred);
  if ('reason' in picked) {
    return { now: null, plan: { ok: false, reason: picked.reason } };
  }
  const now = memoryNow(picked.container);
  return { now, plan: nextMemory(now, limits) };
}

/** The container's memory limit and request as set now. */
export function memoryNow(container: V1Container): MemoryNow {
  return {
    container: container.name,
    limit: container.resources?.limits?.memory ?? null,
    request: container.resources?.requests?.memory ?? null,
  };
}

/**
 * The next memory step above the current limit, never above the cap and
 * never lower than what is set now. A step at the cap also raises the
 * request, unless the request is already higher.
 */
export function nextMemory(now: MemoryNow, limits: MemoryLimits): MemoryPlan {
  const cap = parseMemory(limits.cap);
  if (cap === null) {
    return { ok: false, reason: `memory cap ${limits.cap} is not a quantity` };
  }
  // No limit is unlimited: any step would lower it.
  if (now.limit === null) {
    return { ok: false, reason: NO_LIMIT_REASON };
  }
  const current = parseMemory(now.limit);
  if (current === null) {
    return { ok: false, reason: `memory limit ${now.limit} is not a quantity` };
  }
  const next = limits.steps.find((step) => {
    const bytes = parseMemory(step);
    return bytes !== null && bytes > current && bytes <= cap;
  });
  if (!next) {
    return {
      ok: false,
      reason: `memory limit ${now.limit} is at the cap ${limits.cap}`,
    };
  }

  const atCap = parseMemory(next) === cap;
  return { ok: true, limit: next, request: requestFor(now, limits, atCap) };
}

function requestFor(
  now: MemoryNow,
  limits: MemoryLimits,
  atCap: boolean,
): string | null {
  const wanted = parseMemory(limits.requestAtCap);
  if (!atCap || wanted === null || !limits.requestAtCap) {
    return null;
  }
  const current = parseMemory(now.request ?? undefined) ?? 0;
  return wanted > current ? limits.requestAtCap : null;
}

/** Strategic merge patch of one container's memory, merged by name. */
export function memoryPatch(
  container: string,
  plan: { limit: string; request: string | null },
  metadata: Record<string, unknown>,
): object {
  const resources = {
    limits: { memory: plan.limit },
    ...(plan.request ? { requests: { memory: plan.request } } : {}),
  };
  return {
    metadata,
    spec: {
      template: { spec: { containers: [{ name: container, resources }] } },
    },
  };
}
