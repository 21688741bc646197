import type { V1Deployment } from '@kubernetes/client-node';
import type {
  Playbook,
  PlaybookContext,
  Verdict,
} from '#shared/playbook/types.ts';
import type { EvalEngineDeps } from './deps.ts';
import type { LogFinding, PodState } from './diagnose.ts';
import { DEPENDENCIES } from './logs.ts';
import {
  raiseMemoryLimit,
  readDeployment,
  restartDeployment,
} from './steps/act.ts';
import { checkDependency, type DependencyHealth } from './steps/dependency.ts';
import { checkEvents, checkLogs, checkPods } from './steps/inspect.ts';
import { imagePullReport, schedulingReport } from './steps/report.ts';
import { verifyRecovery } from './steps/verify.ts';

type Ctx = PlaybookContext<EvalEngineDeps>;

/**
 * EvalEngineDown: look at the pods, the last events and the crash logs;
 * fix what has a safe fix (raise memory after an OOM kill, restart after a
 * crash not caused by a dependency), verify the rollout and `/health`, and
 * hand everything else to a person with the diagnosis.
 */
export const evalEngineDown: Playbook<EvalEngineDeps> = {
  name: 'eval-engine-down',
  run: async (ctx) => {
    const state = await checkPods(ctx);
    await checkEvents(ctx, state);
    const logs = await checkLogs(ctx, state);
    await announce(ctx, state, logs);
    return decide(ctx, state, logs);
  },
};

function decide(
  ctx: Ctx,
  state: PodState,
  logs: LogFinding | null,
): Promise<Verdict> {
  switch (state.fault) {
    case 'oom-killed':
      return fixOutOfMemory(ctx, state);
    case 'crash-loop':
      return fixCrashLoop(ctx, logs);
    case 'image-pull':
      return Promise.resolve(imagePull(state));
    case 'unschedulable':
      return Promise.resolve(unschedulable(state));
    case 'no-pods':
      return Promise.resolve(
        escalate('escalate-no-pods', `no pods match ${ctx.target.selector}`),
      );
    default:
      return Promise.resolve(noPodFault(state));
  }
}

async function fixOutOfMemory(ctx: Ctx, state: PodState): Promise<Verdict> {
  const deployment = await deploymentOrNull(ctx);
  if (!deployment) {
    return missingDeployment(ctx);
  }
  const container = state.primary?.container ?? null;
  const result = await raiseMemoryLimit(ctx, deployment, container);
  if (result.outcome === 'planned') {
    return { status: 'planned', reason: 'would raise the memory limit' };
  }
  return verified(ctx, deployment, 'memory limit raised after OOMKilled');
}

async function fixCrashLoop(
  ctx: Ctx,
  logs: LogFinding | null,
): Promise<Verdict> {
  const dependency = logs?.error?.dependency ?? null;
  if (dependency) {
    const health = await checkDependency(ctx, dependency);
    const state = health.healthy ? 'looks healthy' : 'is unhealthy';
    const line = logs?.error?.line ?? '';
    const blamed = `${dependency} (${health.name} ${state})`;
    const reason = `crash blamed on ${blamed}: ${line}`;
    return escalate('escalate-dependency', reason);
  }
  // No log line blamed one (a snapshot has no logs, a log may be cut):
  // the engine cannot start without them, so look before restarting.
  const down = await unhealthyDependency(ctx);
  if (down) {
    const reason =
      `${down.dependency} (${down.name}) is unhealthy; a restart of the ` +
      'engine would crash again';
    return escalate('escalate-dependency', reason);
  }
  const deployment = await deploymentOrNull(ctx);
  if (!deployment) {
    return missingDeployment(ctx);
  }
  const result = await restartDeployment(ctx, deployment);
  if (result.outcome === 'planned') {
    return { status: 'planned', reason: 'would restart the deployment' };
  }
  return verified(ctx, deployment, 'restarted after CrashLoopBackOff');
}

/** The first dependency (PostgreSQL, then Redis) found unhealthy. */
async function unhealthyDependency(ctx: Ctx): Promise<DependencyHealth | null> {
  for (const dependency of DEPENDENCIES) {
    const health = await checkDependency(ctx, dependency);
    if (!health.healthy) return health;
  }
  return null;
}

async function verified(
  ctx: Ctx,
  deployment: V1Deployment,
  action: string,
): Promise<Verdict> {
  const name = deployment.metadata?.name ?? '';
  const check = await verifyRecovery(ctx, name);
  if (check.ok) {
    return { status: 'mitigated', reason: `${action}; ${check.reason}` };
  }
  return escalate('escalate-verification-failed', `${action}; ${check.reason}`);
}

function deploymentOrNull(ctx: Ctx): Promise<V1Deployment | null> {
  const name = ctx.target.deployment;
  return name ? readDeployment(ctx, name) : Promise.resolve(null);
}

function missingDeployment(ctx: Ctx): Verdict {
  const name = ctx.target.deployment ?? '(none)';
  return escalate('escalate-unfixable', `deployment ${name} not found`);
}

function imagePull(state: PodState): Verdict {
  if (!state.primary) {
    return escalate('escalate-unfixable', 'image pull failing');
  }
  const { image, error } = imagePullReport(state.primary, state.events);
  const reason = `cannot pull image ${image ?? '(unknown)'}: ${error}`;
  return escalate('escalate-image-pull', reason);
}

function unschedulable(state: PodState): Verdict {
  if (!state.primary) {
    return escalate('escalate-unfixable', 'pods cannot be scheduled');
  }
  const reasons = schedulingReport(state.primary, state.events);
  const why = reasons.join('; ');
  const reason = `pod ${state.primary.pod} cannot be scheduled: ${why}`;
  return escalate('escalate-unschedulable', reason);
}

function noPodFault(state: PodState): Verdict {
  const notReady = state.pods.filter((p) => p.fault === 'not-ready');
  if (notReady.length === 0) {
    return escalate('escalate-pods-healthy', 'pods healthy');
  }
  const names = notReady.map((p) => `${p.pod} (${p.reason ?? 'not ready'})`);
  return escalate(
    'escalate-pods-not-ready',
    `pods not ready: ${names.join(', ')}`,
  );
}

function escalate(step: string, reason: string): Verdict {
  return { status: 'escalate', step, reason };
}

/**
 * `notify-diagnosis`: EvalEngineDown is P0, so #tars-critical hears what
 * was found before anything is changed; the runtime reports the outcome.
 */
async function announce(
  ctx: Ctx,
  state: PodState,
  logs: LogFinding | null,
): Promise<void> {
  const target = ctx.target.deployment ?? ctx.target.namespace;
  const pod = state.primary;
  const lines = [
    `fault: ${state.fault}`,
    pod ? `pod: ${pod.pod} (${pod.reason ?? pod.fault})` : 'pods: none',
    logs?.error ? `error: ${logs.error.line}` : null,
    `incident: ${ctx.incidentId}`,
  ];
  await ctx.notify('notify-diagnosis', {
    subject: `EvalEngineDown ${target}: ${state.fault}`,
    body: lines.filter((line) => line !== null).join('\n'),
  });
}
