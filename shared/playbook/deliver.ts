import { dedupKey } from '#shared/alerts/dedup-key.ts';
import type { DeliveredAlert, NormalizedAlert } from '#shared/alerts/types.ts';
import type { Incident, IncidentStore } from '#shared/incidents/types.ts';
import { logger } from '#shared/logger.ts';
import type { Notifier } from '#shared/notify/sns.ts';
import {
  type CatalogEntry,
  matchPlaybook,
  resolveTarget,
  targetKey,
} from './catalog.ts';
import type { Guards } from './guards.ts';
import {
  type RunOptions,
  type RunOutcome,
  type RunResult,
  runPlaybook,
} from './runtime.ts';
import type { Playbook, Target, TimelineEntry } from './types.ts';

export const DELIVERY_ACTIONS = [
  'opened',
  'joined',
  'reopened',
  'taken-over',
  'stale',
  'resolved',
  'already-resolved',
  'not-found',
  'not-mine',
  'ignored',
] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

/** What became of one delivered alert; stored as the idempotent result. */
export interface DeliveryResult {
  messageId: string | null;
  fingerprint: string;
  incidentId: string | null;
  action: DeliveryAction;
  status: string | null;
  /** How the playbook run ended, when one ran. */
  outcome: RunOutcome | null;
  /** Tiers the run paged; an escalation that paged none needs attention. */
  paged: number[];
  reason: string | null;
  /** Names the invocation that did the work; a duplicate returns another. */
  token: string;
}

/** The world one delivery is processed in. */
export interface DeliveryEnv<Deps> {
  playbook: Playbook<Deps>;
  deps: () => Promise<Deps>;
  store: IncidentStore;
  guards: Guards;
  notifier: Notifier;
  dryRun: boolean;
  clock: () => Date;
}

type Base = Omit<DeliveryResult, 'incidentId' | 'action' | 'status'>;

/**
 * Opens, joins or resolves the incident of one alert and runs the playbook
 * when this delivery opened (or reopened) it. A joined incident is already
 * being handled, so it is not acted on twice.
 */
export async function processDelivery<Deps>(
  env: DeliveryEnv<Deps>,
  delivered: DeliveredAlert,
  token: string,
  leaseUntil: string,
): Promise<DeliveryResult> {
  const { alert } = delivered;
  const base: Base = {
    messageId: delivered.messageId,
    fingerprint: alert.fingerprint,
    outcome: null,
    paged: [],
    reason: null,
    token,
  };
  const entry = matchPlaybook(alert);
  if (entry?.playbook !== env.playbook.name) {
    const reason = entry ? `belongs to ${entry.playbook}` : 'no playbook';
    logger.warn('alert not for this playbook', {
      alertname: alert.name,
      reason,
    });
    return {
      ...base,
      incidentId: null,
      action: 'not-mine',
      status: null,
      reason,
    };
  }
  const target = resolveTarget(alert, entry);
  const keyed = { ...delivered, alert: keyedByTarget(alert, target) };
  if (alert.status === 'firing') {
    return fire(env, keyed, { entry, target, base, leaseUntil });
  }
  if (alert.status === 'resolved') return resolve(env, keyed, base);

  // An alarm's INSUFFICIENT_DATA says nothing about the workload.
  const reason = 'alert status is unknown';
  return { ...base, incidentId: null, action: 'ignored', status: null, reason };
}

/**
 * The alert with its dedup key taken from the target it resolves to, so a
 * problem reported by an alarm without workload labels (which gets the
 * catalog's default target) and by an alert naming that workload is one
 * incident, not two.
 */
function keyedByTarget(
  alert: NormalizedAlert,
  target: Target,
): NormalizedAlert {
  const labels: Record<string, string> = {
    ...alert.labels,
    namespace: target.namespace,
  };
  if (target.deployment) labels.deployment = target.deployment;
  if (target.service) labels.service = target.service;
  if (target.agent) labels.agent = target.agent;
  return { ...alert, dedupKey: dedupKey(alert.name, labels) };
}

function eventTime(
  env: DeliveryEnv<unknown>,
  time: string | null,
  d: DeliveredAlert,
) {
  return time ?? d.receivedAt ?? env.clock().toISOString();
}

interface FireInput {
  entry: CatalogEntry;
  target: Target;
  base: Base;
  leaseUntil: string;
}

async function fire<Deps>(
  env: DeliveryEnv<Deps>,
  delivered: DeliveredAlert,
  input: FireInput,
): Promise<DeliveryResult> {
  const { alert } = delivered;
  const { target } = input;
  // Adapters first: if they cannot be built, the delivery is retried before
  // an incident exists, instead of opening one nobody will run.
  const deps = await env.deps();
  const { incident, action } = await env.store.openOrJoin({
    alert,
    playbook: input.entry.playbook,
    severity: input.entry.severity,
    target,
    dryRun: env.dryRun,
    eventAt: eventTime(env, alert.startsAt, delivered),
  });
  const found = {
    ...input.base,
    incidentId: incident.id,
    action,
    status: incident.status,
  };
  if (action === 'stale') return found;

  const claimed = await claim(env, incident, action, input);
  if (!claimed) return found;
  if (action === 'joined') await recordTakeOver(env, incident);

  const run = runOptions(env, { incident: claimed, alert, target, deps });
  const result = await runHeld(env, input.base.token, run, input.entry);
  return {
    ...found,
    action: action === 'joined' ? 'taken-over' : action,
    status: result.status,
    outcome: result.outcome,
    paged: result.paged,
    reason: result.reason,
  };
}

interface RunSubject<Deps> {
  incident: Incident;
  alert: NormalizedAlert;
  target: Target;
  deps: Deps;
}

/** What the runtime needs, less the catalog entry. */
function runOptions<Deps>(
  env: DeliveryEnv<Deps>,
  subject: RunSubject<Deps>,
): Omit<RunOptions<Deps>, 'entry' | 'severity'> {
  return {
    ...subject,
    playbook: env.playbook,
    dryRun: env.dryRun,
    store: env.store,
    guards: env.guards,
    notifier: env.notifier,
    clock: env.clock,
  };
}

/**
 * Runs the playbook under the lease `token` holds: finished when the run
 * ends, released when it throws, so the delivery's retry takes over.
 */
async function runHeld<Deps>(
  env: DeliveryEnv<Deps>,
  token: string,
  run: Omit<RunOptions<Deps>, 'entry' | 'severity'>,
  entry: CatalogEntry,
): Promise<RunResult> {
  const id = run.incident.id;
  let result: RunResult;
  try {
    result = await runPlaybook({ ...run, entry, severity: entry.severity });
  } catch (error) {
    await env.store.releaseRun(id, token).catch((release: unknown) => {
      // The lease then ends on its own, a little after this invocation.
      logger.error('run lease release failed', {
        incident_id: id,
        error: release,
      });
    });
    throw error;
  }
  await env.store.finishRun(id, token);
  return result;
}

/**
 * Takes the run lease. Whoever opened or reopened the incident starts the
 * run; a later delivery takes it over only when the last run died (its
 * lease ran out unfinished) or planned in dry-run and this one is live.
 * However many deliveries race, one wins, so the playbook runs once.
 */
function claim(
  env: DeliveryEnv<unknown>,
  incident: Incident,
  action: 'opened' | 'joined' | 'reopened',
  input: FireInput,
): Promise<Incident | null> {
  return env.store.claimRun(incident.id, {
    mode: action === 'joined' ? 'take-over' : 'start',
    token: input.base.token,
    until: input.leaseUntil,
    dryRun: env.dryRun,
  });
}

async function recordTakeOver(
  env: DeliveryEnv<unknown>,
  incident: Incident,
): Promise<void> {
  const lease = incident.run;
  const reason =
    lease?.done && incident.dryRun
      ? 'a live run takes over an incident planned in dry-run'
      : lease
        ? `the previous run did not finish by ${lease.until}`
        : 'no run had started';
  logger.warn('incident run taken over', { incident_id: incident.id, reason });
  await recordDecision(env, incident, {
    step: 'take-over-run',
    dryRun: env.dryRun,
    before: lease,
    after: null,
    reason,
  });
}

/** A `decide` step the delivery path takes outside any playbook run. */
async function recordDecision(
  env: DeliveryEnv<unknown>,
  incident: Incident,
  entry: Pick<TimelineEntry, 'step' | 'dryRun' | 'before' | 'after' | 'reason'>,
): Promise<void> {
  await env.store.appendStep(incident.id, {
    ...entry,
    at: env.clock().toISOString(),
    kind: 'decide',
    target: targetKey(incident.target),
    outcome: 'ok',
    durationMs: 0,
  });
}

async function resolve<Deps>(
  env: DeliveryEnv<Deps>,
  delivered: DeliveredAlert,
  base: Base,
): Promise<DeliveryResult> {
  const { alert } = delivered;
  const eventAt = eventTime(env, alert.endsAt, delivered);
  const resolved = await env.store.resolveByAlert(alert, eventAt);
  if (resolved.action === 'resolved') {
    await recordResolution(env, resolved.incident, eventAt);
  }
  return {
    ...base,
    incidentId: resolved.incident?.id ?? null,
    action: resolved.action,
    status: resolved.incident?.status ?? null,
  };
}

/** The source's "resolved" closes the incident: a step says so. */
async function recordResolution(
  env: DeliveryEnv<unknown>,
  incident: Incident,
  eventAt: string,
): Promise<void> {
  await recordDecision(env, incident, {
    step: 'alert-resolved',
    dryRun: incident.dryRun,
    before: null,
    after: { status: incident.status, resolvedAt: eventAt },
    reason: 'the alert source reports the alert resolved',
  });
}
