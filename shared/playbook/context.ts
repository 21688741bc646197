import { logger } from '#shared/logger.ts';
import { PlaybookHalt } from './errors.ts';
import { tellChannel } from './escalation.ts';
import type { GuardDecision } from './guards.ts';
import { reasonOf, type StepRecord } from './recorder.ts';
import { moveTo, type RunState } from './run-state.ts';
import type { ActionSpec, ActResult, PlaybookContext } from './types.ts';

type Done = (record: StepRecord) => Promise<unknown>;

/** Records a failed step and stops the playbook with the error's reason. */
async function fail(
  done: Done,
  record: Omit<StepRecord, 'outcome' | 'reason'>,
  error: unknown,
): Promise<never> {
  const reason = reasonOf(error);
  await done({ ...record, outcome: 'failed', reason });
  throw new PlaybookHalt(
    { step: record.step, outcome: 'failed', reason },
    { cause: error },
  );
}

/** The PlaybookContext of one run: every call records one timeline step. */
export function createContext<Deps>(
  run: RunState,
  deps: Deps,
): PlaybookContext<Deps> {
  return {
    incidentId: run.incident.id,
    alert: run.alert,
    target: run.target,
    severity: run.severity,
    dryRun: run.dryRun,
    deps,
    diagnose: (step, read, options) => diagnose(run, step, read, options),
    act: (step, spec) => act(run, step, spec),
    verify: (step, check, options) => verify(run, step, check, options),
    notify: (step, message) =>
      tellChannel(run, step, message.subject, { text: message.body }),
  };
}

async function diagnose<T>(
  run: RunState,
  step: string,
  read: () => Promise<T>,
  options?: { target?: string; summary?: (value: T) => unknown },
): Promise<T> {
  const done = run.recorder.start();
  const base = { step, kind: 'diagnose' as const, target: options?.target };
  let value: T;
  try {
    value = await read();
  } catch (error) {
    return fail(done, base, error);
  }

  const after = options?.summary ? options.summary(value) : value;
  await done({ ...base, outcome: 'ok', after });
  return value;
}

async function verify(
  run: RunState,
  step: string,
  check: () => Promise<{ ok: boolean; detail: unknown; reason?: string }>,
  options?: { target?: string },
): Promise<boolean> {
  const done = run.recorder.start();
  const base = { step, kind: 'verify' as const, target: options?.target };
  let result: Awaited<ReturnType<typeof check>>;
  try {
    result = await check();
  } catch (error) {
    return fail(done, base, error);
  }

  const outcome = result.ok ? 'ok' : 'failed';
  await done({ ...base, outcome, after: result.detail, reason: result.reason });
  if (result.ok) run.unverified = null;
  return result.ok;
}

async function act<T>(
  run: RunState,
  step: string,
  spec: ActionSpec<T>,
): Promise<ActResult<T>> {
  const done = run.recorder.start();
  const base = { step, kind: 'act' as const, target: spec.target };
  const check = {
    spec: spec as ActionSpec<unknown>,
    limits: run.entry.limits,
    runId: run.runId,
    dryRun: run.dryRun,
  };
  let decision: GuardDecision;
  try {
    decision = await run.guards.checkAct(check);
  } catch (error) {
    return fail(done, base, error);
  }
  if (!decision.allowed) return blocked(run, done, base, decision);

  let before: unknown;
  try {
    before = await spec.read();
  } catch (error) {
    return fail(done, base, error);
  }
  if (run.dryRun) {
    await done({ ...base, outcome: 'planned', before, after: spec.plan });
    return { outcome: 'planned', value: undefined };
  }

  return apply(run, done, { ...base, before }, spec, check);
}

async function apply<T>(
  run: RunState,
  done: Done,
  base: Omit<StepRecord, 'outcome'>,
  spec: ActionSpec<T>,
  check: Parameters<RunState['guards']['afterAct']>[0],
): Promise<ActResult<T>> {
  await moveTo(run, 'remediating', ['open']);
  let value: T;
  try {
    value = await spec.apply();
  } catch (error) {
    // A failed write may still have changed something: cool the target.
    await coolDown(run, check);
    return fail(done, base, error);
  }

  // Recorded first: the change happened, whatever the guards' store says.
  await done({ ...base, outcome: 'ok', after: value ?? spec.plan });
  run.unverified = base.step;
  await run.guards.afterAct(check);
  return { outcome: 'ok', value };
}

async function coolDown(
  run: RunState,
  check: Parameters<RunState['guards']['afterAct']>[0],
): Promise<void> {
  try {
    await run.guards.afterAct(check);
  } catch (error) {
    // The act's own failure is what escalates; this one is only logged.
    logger.error('cooldown not recorded', {
      incident_id: run.incident.id,
      error,
    });
  }
}

async function blocked(
  run: RunState,
  done: Done,
  base: Omit<StepRecord, 'outcome'>,
  decision: Extract<GuardDecision, { allowed: false }>,
): Promise<never> {
  const { guard, reason } = decision;
  await run.recorder.record({
    step: `guard-${guard}`,
    kind: 'guard',
    target: base.target,
    outcome: 'ok',
    reason,
  });
  await done({ ...base, outcome: 'blocked', reason: `${guard}: ${reason}` });
  throw new PlaybookHalt({
    step: base.step,
    outcome: 'blocked',
    reason: `${guard}: ${reason}`,
  });
}
