import type { PlaybookContext } from '#shared/playbook/types.ts';
import type { EvalEngineDeps } from '../deps.ts';
import type { LogFinding, PodState } from '../diagnose.ts';
import { readCrashLogs, readPodState, recentEvents } from '../diagnose.ts';

type Ctx = PlaybookContext<EvalEngineDeps>;

/** `check-pods`: every pod of the engine, classified. */
export function checkPods(ctx: Ctx): Promise<PodState> {
  return ctx.diagnose(
    'check-pods',
    () => readPodState(ctx.deps.cluster, ctx.target, ctx.deps.clock()),
    {
      summary: (state) => ({
        fault: state.fault,
        pods: state.pods.map((p) => ({
          pod: p.pod,
          fault: p.fault,
          reason: p.reason,
          restarts: p.restarts,
        })),
      }),
    },
  );
}

/** `recent-events`: the last events about the engine, oldest first. */
export function checkEvents(ctx: Ctx, state: PodState): Promise<unknown> {
  return ctx.diagnose('recent-events', async () => recentEvents(state.events));
}

/** `read-logs`: the crashed container's last lines and the error line. */
export async function checkLogs(
  ctx: Ctx,
  state: PodState,
): Promise<LogFinding | null> {
  const pod = state.primary;
  if (!pod) {
    return null;
  }
  return ctx.diagnose('read-logs', () =>
    readCrashLogs(ctx.deps.cluster, ctx.target.namespace, pod),
  );
}
