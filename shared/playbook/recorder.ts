import type { IncidentStore } from '#shared/incidents/types.ts';
import { RuntimeStoreError } from './errors.ts';
import type { StepKind, StepOutcome, TimelineEntry } from './types.ts';

/** One step as a caller describes it; time and dry-run are filled in. */
export interface StepRecord {
  step: string;
  kind: StepKind;
  outcome: StepOutcome;
  target?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  tier?: number;
}

/**
 * Writes timeline entries for one run, timing each from `start()` and
 * stamping it when it is written.
 */
export interface Recorder {
  /** A stopwatch: call the returned function to record the finished step. */
  start(): (record: StepRecord) => Promise<TimelineEntry>;
  record(record: StepRecord): Promise<TimelineEntry>;
}

/** Turns an unknown thrown value into a short reason for the timeline. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * A recorder that appends one item per step. A failed append is thrown as
 * `RuntimeStoreError`: the run cannot continue unrecorded.
 */
export function createRecorder(options: {
  store: Pick<IncidentStore, 'appendStep'>;
  incidentId: string;
  defaultTarget: string;
  dryRun: boolean;
  clock: () => Date;
}): Recorder {
  const { store, incidentId, clock } = options;
  const start = () => {
    const began = clock();
    return (record: StepRecord) => write(began, record);
  };
  const write = async (began: Date, record: StepRecord) => {
    const entry = toEntry(began, clock(), record, options);
    try {
      await store.appendStep(incidentId, entry);
    } catch (error) {
      throw new RuntimeStoreError(`could not record step ${record.step}`, {
        cause: error,
      });
    }
    return entry;
  };
  return { start, record: (record) => start()(record) };
}

function toEntry(
  began: Date,
  ended: Date,
  record: StepRecord,
  options: { defaultTarget: string; dryRun: boolean },
): TimelineEntry {
  const entry: TimelineEntry = {
    // Stamped when the step is written, so the timeline reads in the order
    // things were recorded even when one step records another inside it
    // (a guard inside the act it stops); `durationMs` says when it began.
    at: ended.toISOString(),
    step: record.step,
    kind: record.kind,
    target: record.target === undefined ? options.defaultTarget : record.target,
    outcome: record.outcome,
    dryRun: options.dryRun,
    before: record.before ?? null,
    after: record.after ?? null,
    reason: record.reason ?? null,
    durationMs: Math.max(0, ended.getTime() - began.getTime()),
  };
  if (record.tier !== undefined) entry.tier = record.tier;
  return entry;
}
