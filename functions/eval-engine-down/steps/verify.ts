import type { PlaybookContext } from '#shared/playbook/types.ts';
import type { EvalEngineDeps } from '../deps.ts';

type Ctx = PlaybookContext<EvalEngineDeps>;

/** `rollout-complete`, then `health`; false as soon as one fails. */
export async function verifyRecovery(
  ctx: Ctx,
  deployment: string,
): Promise<{ ok: boolean; reason: string }> {
  const rolledOut = await ctx.verify('rollout-complete', async () => {
    const result = await ctx.deps.cluster.waitForRollout({
      namespace: ctx.target.namespace,
      name: deployment,
      ...ctx.deps.rollout,
    });
    return {
      ok: result.state === 'done',
      detail: result,
      reason: result.reason,
    };
  });
  if (!rolledOut) {
    return { ok: false, reason: 'the rollout did not complete' };
  }

  const healthy = await ctx.verify('health', () => checkHealth(ctx));
  return healthy
    ? { ok: true, reason: 'rollout complete and /health answers 200' }
    : { ok: false, reason: 'the eval engine /health check failed' };
}

async function checkHealth(ctx: Ctx) {
  const { port, path } = ctx.deps.health;
  const service = ctx.target.service ?? ctx.target.deployment ?? '';
  const response = await ctx.deps.cluster.proxyGet({
    namespace: ctx.target.namespace,
    service,
    port,
    path,
  });
  const ok = response.status === 200;
  return {
    ok,
    detail: response,
    reason: ok ? 'healthy' : `/health answered ${response.status}`,
  };
}
