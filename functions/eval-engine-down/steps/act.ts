import type { V1Deployment } from '@kubernetes/client-node';
import { ownRolloutMark } from '#shared/kube/rollout.ts';
import { RESTARTED_AT_ANNOTATION } from '#shared/kube/types.ts';
import { targetKey } from '#shared/playbook/catalog.ts';
import type { ActResult, PlaybookContext } from '#shared/playbook/types.ts';
import type { EvalEngineDeps } from '../deps.ts';
import { EvalEngineDownError } from '../errors.ts';
import { handsOffReason } from './hands-off.ts';
import type { MemoryPlan } from './memory.ts';
import { memoryPatch, planMemory } from './memory.ts';

type Ctx = PlaybookContext<EvalEngineDeps>;

/** `read-deployment`: the deployment as it is before we act. */
export async function readDeployment(
  ctx: Ctx,
  name: string,
): Promise<V1Deployment | null> {
  return ctx.diagnose(
    'read-deployment',
    () =>
      ctx.deps.cluster.readDeployment({
        namespace: ctx.target.namespace,
        name,
      }),
    {
      summary: (d) =>
        d && { generation: d.metadata?.generation, status: d.status },
    },
  );
}

/** Re-reads the deployment right before acting: a person may have begun. */
function handsOff(ctx: Ctx, name: string) {
  return async () =>
    handsOffReason(
      await ctx.deps.cluster.readDeployment({
        namespace: ctx.target.namespace,
        name,
      }),
    );
}

/**
 * `raise-memory-limit`: the OOM-killed container's limit to the next step
 * (8Gi, then 16Gi with an 8Gi request), never past the cap; at the cap the
 * cap guard blocks and the runtime escalates.
 */
export function raiseMemoryLimit(
  ctx: Ctx,
  deployment: V1Deployment,
  container: string | null,
): Promise<ActResult<Applied>> {
  const name = deployment.metadata?.name ?? '';
  const { now, plan } = planMemory(deployment, container, ctx.deps.memory);

  return ctx.act('raise-memory-limit', {
    action: 'raise-memory',
    target: targetKey(ctx.target),
    read: async () => now,
    plan: plan.ok ? { container: now?.container, ...plan } : null,
    cap: () => (plan.ok ? null : plan.reason),
    handsOff: handsOff(ctx, name),
    apply: () => applyMemory(ctx, deployment, now?.container ?? '', plan),
  });
}

async function applyMemory(
  ctx: Ctx,
  deployment: V1Deployment,
  container: string,
  plan: MemoryPlan,
): Promise<Applied> {
  if (!plan.ok) {
    // The cap guard blocks a plan that is not ok, so this never runs.
    throw new EvalEngineDownError(plan.reason);
  }
  const mark = ownRolloutMark(deployment, ctx.incidentId);
  const patched = await ctx.deps.cluster.patchDeployment({
    namespace: ctx.target.namespace,
    name: deployment.metadata?.name ?? '',
    patch: memoryPatch(container, plan, mark),
    type: 'strategic',
  });
  return applied(patched, { container, ...plan });
}

/** `restart-deployment`: `kubectl rollout restart`, marked as ours. */
export function restartDeployment(
  ctx: Ctx,
  deployment: V1Deployment,
): Promise<ActResult<Applied>> {
  const name = deployment.metadata?.name ?? '';
  const at = ctx.deps.clock().toISOString();
  const annotations = deployment.spec?.template.metadata?.annotations ?? {};

  return ctx.act('restart-deployment', {
    action: 'restart',
    target: targetKey(ctx.target),
    read: async () => ({
      restartedAt: annotations[RESTARTED_AT_ANNOTATION] ?? null,
    }),
    plan: { restartedAt: at },
    handsOff: handsOff(ctx, name),
    apply: async () => {
      const restarted = await ctx.deps.cluster.restartDeployment({
        namespace: ctx.target.namespace,
        name,
        at,
        by: ctx.incidentId,
        // What we decided on: a change since answers 409 and we escalate.
        seen: deployment,
      });
      return applied(restarted, { restartedAt: at });
    },
  });
}

/** What an act changed, small enough for a timeline entry. */
export interface Applied {
  generation: number | null;
  change: Record<string, unknown>;
}

function applied(
  deployment: V1Deployment,
  change: Record<string, unknown>,
): Applied {
  return { generation: deployment.metadata?.generation ?? null, change };
}
