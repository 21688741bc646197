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

/** The container to resize: the one that was killed, else the first. */
export function pickContainer(
  deployment: V1Deployment,
  preferred: string | null,
): V1Container | null {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  return containers.find((c) => c.name === preferred) ?? containers[0] ?? null;
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
  const current = parseMemory(now.limit ?? undefined) ?? 0;
  if (cap === null) {
    return { ok: false, reason: `memory cap ${limits.cap} is not a quantity` };
  }
  const next = limits.steps.find((step) => {
    const bytes = parseMemory(step);
    return bytes !== null && bytes > current && bytes <= cap;
  });
  if (!next) {
    const at = now.limit ?? 'unset';
    return {
      ok: false,
      reason: `memory limit ${at} is at the cap ${limits.cap}`,
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
