import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './dynamo.ts';
import {
  acknowledge,
  appendStep,
  setFlags,
  setTier,
  transition,
} from './mutations.ts';
import { openOrJoin } from './open-or-join.ts';
import {
  getIncident,
  loadIncident,
  readOpen,
  readPointer,
  readTimeline,
} from './reads.ts';
import { resolveByAlert } from './resolve.ts';
import { claimRun, finishRun, releaseRun } from './run-lease.ts';
import type { Incident, IncidentStore } from './types.ts';

/** DESIGN.md: a firing alert within 30 minutes of resolution reopens. */
export const DEFAULT_REOPEN_WINDOW_MS = 30 * 60 * 1000;

/** What the store is built from; nothing is created at import. */
export interface IncidentStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Now; injectable so tests can step past the reopen window. */
  clock?: () => Date;
  reopenWindowMs?: number;
}

/**
 * The incident store over the single DynamoDB table (see `table.ts`).
 *
 * @example
 * const store = createIncidentStore({ doc, tableName: config().TABLE_NAME });
 * const { action, incident } = await store.openOrJoin({
 *   alert, playbook: 'eval-engine-down', severity: 'P0', target,
 *   dryRun: false, eventAt: alert.startsAt ?? receivedAt,
 * });
 */
export function createIncidentStore(
  options: IncidentStoreOptions,
): IncidentStore {
  const ctx = context(options);
  return {
    openOrJoin: (input) => openOrJoin(ctx, input),
    resolveByAlert: (alert, eventAt) => resolveByAlert(ctx, alert, eventAt),
    transition: (id, input) => transition(ctx, id, input),
    acknowledge: (id, by) => acknowledge(ctx, id, by),
    setTier: (id, tier) => setTier(ctx, id, tier),
    setFlags: (id, flags) => setFlags(ctx, id, flags),
    appendStep: (id, entry) => appendStep(ctx, id, entry),
    claimRun: (id, input) => claimRun(ctx, id, input),
    finishRun: (id, token) => finishRun(ctx, id, token),
    releaseRun: (id, token) => releaseRun(ctx, id, token),
    timeline: (id) => readTimeline(ctx, id),
    get: (id) => getIncident(ctx, id),
    findByDedupKey: (key) => findByDedupKey(ctx, key),
    listOpen: () => readOpen(ctx),
  };
}

function context(options: IncidentStoreOptions): StoreContext {
  let seq = 0;
  return {
    doc: options.doc,
    tableName: options.tableName,
    clock: options.clock ?? (() => new Date()),
    reopenWindowMs: options.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS,
    nextSeq: () => {
      seq += 1;
      return seq;
    },
  };
}

async function findByDedupKey(
  ctx: StoreContext,
  dedupKey: string,
): Promise<Incident | null> {
  const pointer = await readPointer(ctx, dedupKey);
  return pointer ? loadIncident(ctx, pointer) : null;
}
