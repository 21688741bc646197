import { randomUUID } from 'node:crypto';
import type { NormalizedAlert } from '#shared/alerts/types.ts';
import { IncidentStoreError } from '#shared/incidents/errors.ts';
import type { Incident, IncidentStatus } from '#shared/incidents/types.ts';
import { logger } from '#shared/logger.ts';
import type { Notifier } from '#shared/notify/sns.ts';
import { type CatalogEntry, type Tier, targetKey } from './catalog.ts';
import { createContext } from './context.ts';
import { PlaybookHalt, RuntimeStoreError } from './errors.ts';
import { escalate, tellChannel } from './escalation.ts';
import type { Guards } from './guards.ts';
import { createRecorder, reasonOf } from './recorder.ts';
import { moveTo, type RunState, type RuntimeStore } from './run-state.ts';
import type { Playbook, Severity, Target, Verdict } from './types.ts';

export type { RuntimeStore } from './run-state.ts';

/** Everything one run needs; adapters come in through `deps`. */
export interface RunOptions<Deps> {
  playbook: Playbook<Deps>;
  incident: Incident;
  alert: NormalizedAlert;
  target: Target;
  severity: Severity;
  dryRun: boolean;
  deps: Deps;
  store: RuntimeStore;
  guards: Guards;
  notifier: Notifier;
  entry: CatalogEntry;
  clock?: () => Date;
}

export const RUN_OUTCOMES = [
  'mitigated',
  'escalated',
  'planned',
  'silenced',
] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** How a run ended, for the handler's summary and metrics. */
export interface RunResult {
  incidentId: string;
  outcome: RunOutcome;
  status: IncidentStatus;
  reason: string;
  paged: Tier[];
}

/**
 * Runs a playbook against one incident: checks silences, runs its steps
 * through a recording, guarded context, and turns its verdict (or a halt)
 * into the incident's status, pages and channel messages.
 *
 * @example
 * const result = await runPlaybook({ playbook, incident, alert, target,
 *   severity: entry.severity, dryRun, deps, store, guards, notifier, entry });
 */
export async function runPlaybook<Deps>(
  options: RunOptions<Deps>,
): Promise<RunResult> {
  const run = startRun(options);
  const silenced = await checkSilence(run);
  if (silenced) return silenced;

  const verdict = await runSteps(run, options.playbook, options.deps);
  return finish(run, verdict);
}

function startRun<Deps>(options: RunOptions<Deps>): RunState {
  const clock = options.clock ?? (() => new Date());
  const key = targetKey(options.target);
  const recorder = createRecorder({
    store: options.store,
    incidentId: options.incident.id,
    defaultTarget: key,
    dryRun: options.dryRun,
    clock,
  });
  return {
    ...options,
    runId: `${options.incident.id}:${randomUUID()}`,
    targetKey: key,
    recorder,
    status: options.incident.status,
    unverified: null,
  };
}

async function checkSilence(run: RunState): Promise<RunResult | null> {
  const silence = await run.guards.silenceFor(run.alert, run.targetKey);
  if (!silence) return null;

  const reason =
    `silenced by ${silence.by} until ${silence.until} ` +
    `(${silence.scope} ${silence.key}): ${silence.reason}`;
  await run.recorder.record({
    step: 'silenced',
    kind: 'guard',
    outcome: 'ok',
    reason,
  });
  await run.store.setFlags(run.incident.id, { silenced: true });
  return result(run, 'silenced', reason, []);
}

/** Runs the playbook; a halt or an error becomes an escalate verdict. */
async function runSteps<Deps>(
  run: RunState,
  playbook: Playbook<Deps>,
  deps: Deps,
): Promise<Verdict> {
  try {
    return await playbook.run(createContext(run, deps));
  } catch (error) {
    if (isStoreError(error)) throw error;
    if (error instanceof PlaybookHalt) {
      const step = `escalate-${error.outcome}`;
      return { status: 'escalate', step, reason: error.message };
    }
    logger.error('playbook failed', { incident_id: run.incident.id, error });
    const reason = `playbook error: ${reasonOf(error)}`;
    return { status: 'escalate', step: 'escalate-error', reason };
  }
}

function isStoreError(error: unknown): boolean {
  return (
    error instanceof RuntimeStoreError || error instanceof IncidentStoreError
  );
}

async function finish(run: RunState, verdict: Verdict): Promise<RunResult> {
  if (run.dryRun) return finishDryRun(run, verdict);
  if (verdict.status === 'mitigated' && run.unverified) {
    // Mitigated means verified: an act no check confirmed is a person's.
    const reason =
      `${run.unverified} was not verified after it ran; ` +
      `the playbook said: ${verdict.reason}`;
    return escalateWith(run, 'escalate-unverified', reason);
  }
  if (verdict.status === 'mitigated') return mitigate(run, verdict.reason);
  if (verdict.status === 'escalate') {
    return escalateWith(run, verdict.step, verdict.reason);
  }
  // A plan outside dry-run means the playbook did not decide: a person must.
  const reason = `playbook returned a plan in a live run: ${verdict.reason}`;
  return escalateWith(run, 'escalate-undecided', reason);
}

async function mitigate(run: RunState, reason: string): Promise<RunResult> {
  await run.recorder.record({
    step: 'mitigated',
    kind: 'decide',
    outcome: 'ok',
    reason,
  });
  await moveTo(run, 'mitigated', ['open', 'remediating']);
  await tellChannel(run, 'notify-mitigated', 'mitigated', { reason });
  return result(run, 'mitigated', reason, []);
}

async function escalateWith(
  run: RunState,
  step: string,
  reason: string,
): Promise<RunResult> {
  await run.recorder.record({ step, kind: 'decide', outcome: 'ok', reason });
  const paged = await escalate(run, reason);
  return result(run, 'escalated', reason, paged);
}

/**
 * Dry-run never ends mitigated and pages nobody: a `decide` step says what
 * would have happened, and an escalation is recorded with skipped pages.
 */
async function finishDryRun(
  run: RunState,
  verdict: Verdict,
): Promise<RunResult> {
  if (!run.incident.dryRun) {
    await run.store.setFlags(run.incident.id, { dryRun: true });
  }
  const would =
    verdict.status === 'planned' ? 'plan' : `would-${verdictWord(verdict)}`;
  await run.recorder.record({
    step: `dry-run-${would}`,
    kind: 'decide',
    outcome: 'ok',
    reason: verdict.reason,
  });
  if (verdict.status === 'escalate') await escalate(run, verdict.reason);
  return result(run, 'planned', verdict.reason, []);
}

function verdictWord(verdict: Verdict): string {
  return verdict.status === 'mitigated' ? 'mitigate' : 'escalate';
}

function result(
  run: RunState,
  outcome: RunOutcome,
  reason: string,
  paged: Tier[],
): RunResult {
  return {
    incidentId: run.incident.id,
    outcome,
    status: run.status,
    reason,
    paged,
  };
}
