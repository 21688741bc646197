import type { NormalizedAlert } from '#shared/alerts/types.ts';
import { IncidentConflictError } from '#shared/incidents/errors.ts';
import type {
  Incident,
  IncidentStatus,
  IncidentStore,
} from '#shared/incidents/types.ts';
import { logger } from '#shared/logger.ts';
import type { Notifier, NotifyMessage } from '#shared/notify/sns.ts';
import type { CatalogEntry } from './catalog.ts';
import type { Guards } from './guards.ts';
import type { Recorder } from './recorder.ts';
import type { Severity, Target } from './types.ts';

/** The parts of the incident store the runtime writes through. */
export type RuntimeStore = Pick<
  IncidentStore,
  'appendStep' | 'transition' | 'setTier' | 'setFlags'
>;

/** Everything one run of a playbook shares between its steps. */
export interface RunState {
  runId: string;
  incident: Incident;
  alert: NormalizedAlert;
  target: Target;
  targetKey: string;
  severity: Severity;
  dryRun: boolean;
  entry: CatalogEntry;
  store: RuntimeStore;
  guards: Guards;
  notifier: Notifier;
  recorder: Recorder;
  /** The status as this run last wrote or saw it. */
  status: IncidentStatus;
  /** An act changed something and no verify step has passed since. */
  unverified: string | null;
}

/**
 * Changes the status when it is still one of `from`. Losing the race to
 * another writer (a person resolved it, the timer escalated it) is not an
 * error: their change stands, and the run carries on with what it found.
 */
export async function moveTo(
  run: RunState,
  to: IncidentStatus,
  from: readonly IncidentStatus[],
): Promise<boolean> {
  if (!from.includes(run.status)) return false;

  try {
    const updated = await run.store.transition(run.incident.id, { from, to });
    run.status = updated.status;
    return true;
  } catch (error) {
    if (!(error instanceof IncidentConflictError)) throw error;
    logger.warn('status change lost to another writer', {
      incident_id: run.incident.id,
      wanted: to,
      found: error.currentStatus,
    });
    run.status = error.currentStatus;
    return false;
  }
}

/** A notifier message about this run's incident. */
export function messageFor(
  run: RunState,
  subject: string,
  body: unknown,
): NotifyMessage {
  return {
    subject: `[${run.severity}] ${run.alert.name}: ${subject}`,
    body,
    incidentId: run.incident.id,
    severity: run.severity,
    alertname: run.alert.name,
  };
}
