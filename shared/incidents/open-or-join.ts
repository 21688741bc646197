import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '#shared/logger.ts';
import { conditional, type StoreContext } from './dynamo.ts';
import { IncidentStoreError } from './errors.ts';
import { isoTime, newIncident, toPointerItem } from './items.ts';
import {
  getIncident,
  loadIncident,
  putNewIncident,
  readPointer,
} from './reads.ts';
import type { Incident, OpenInput, OpenResult } from './types.ts';
import {
  allOf,
  type Condition,
  statusFields,
  updateIncident,
  versionIs,
} from './update.ts';

// Each retry follows a lost race in which another writer changed the
// state; after a handful the state has settled, so more means a fault.
const MAX_ATTEMPTS = 8;

/** What a firing alert does to the dedup key's current incident. */
export type Decision = 'join' | 'stale' | 'reopen' | 'replace';

/**
 * Opens an incident for a firing alert, or joins, reopens or ignores the
 * current one. Safe under any number of concurrent deliveries: the dedup
 * pointer is written conditionally, so exactly one caller gets `opened`.
 */
export async function openOrJoin(
  ctx: StoreContext,
  input: OpenInput,
): Promise<OpenResult> {
  const event = { ...input, eventAt: isoTime(input.eventAt, 'eventAt') };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const result = await settle(ctx, event);
    if (result) return result;
  }
  throw new IncidentStoreError(
    `open or join for ${input.alert.dedupKey} lost ${MAX_ATTEMPTS} races ` +
      'to concurrent writers',
  );
}

/**
 * Decides from event times: an open incident is joined; a firing alert
 * no later than the resolution is stale; within the window it reopens the
 * incident; after it, a new incident replaces the old one.
 */
export function decide(
  current: Incident,
  eventAt: string,
  reopenWindowMs: number,
): Decision {
  if (current.status !== 'resolved') return 'join';

  const resolvedAt = current.resolvedAt ?? current.updatedAt;
  const gap = Date.parse(eventAt) - Date.parse(resolvedAt);
  if (gap <= 0) return 'stale';
  return gap <= reopenWindowMs ? 'reopen' : 'replace';
}

async function settle(
  ctx: StoreContext,
  input: OpenInput,
): Promise<OpenResult | null> {
  const pointer = await readPointer(ctx, input.alert.dedupKey);
  if (!pointer) return open(ctx, input, null);

  const current = await loadIncident(ctx, pointer);
  switch (decide(current, input.eventAt, ctx.reopenWindowMs)) {
    case 'join':
      return join(ctx, current, input);
    case 'stale':
      return { action: 'stale', incident: current };
    case 'reopen':
      return reopen(ctx, current, input);
    case 'replace':
      return open(ctx, input, current.id);
  }
}

async function open(
  ctx: StoreContext,
  input: OpenInput,
  previousId: string | null,
): Promise<OpenResult | null> {
  const incident = newIncident(input, ctx.clock());
  const claimed = await claimPointer(ctx, incident, previousId);
  if (!claimed) return null;

  const wrote = await putNewIncident(ctx, incident);
  logger.info('incident opened', {
    incident_id: incident.id,
    dedup_key: incident.dedupKey,
    replaces: previousId,
  });
  if (wrote) return { action: 'opened', incident };
  // Someone repaired it from the pointer first; read what they wrote.
  const written = await getIncident(ctx, incident.id);
  return { action: 'opened', incident: written ?? incident };
}

/** Points the dedup key at `incident` if it still points where we saw. */
async function claimPointer(
  ctx: StoreContext,
  incident: Incident,
  previousId: string | null,
): Promise<boolean> {
  const condition =
    previousId === null
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'incidentId = :previous',
          ExpressionAttributeValues: { ':previous': previousId },
        };
  const put = await conditional(`claim dedup key ${incident.dedupKey}`, () =>
    ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: toPointerItem(incident),
        ...condition,
      }),
    ),
  );
  return put.ok;
}

async function join(
  ctx: StoreContext,
  current: Incident,
  input: OpenInput,
): Promise<OpenResult | null> {
  if (Date.parse(input.eventAt) <= Date.parse(current.lastEventAt)) {
    return { action: 'joined', incident: current };
  }

  // A newer firing event moves the ordering guard forward. The condition
  // is on the guard, not the version, so joins do not race other writers.
  const updated = await updateIncident(
    ctx,
    current.id,
    { lastEventAt: input.eventAt },
    allOf(notResolved(), olderThan(input.eventAt)),
  );
  return updated.ok ? { action: 'joined', incident: updated.value } : null;
}

async function reopen(
  ctx: StoreContext,
  current: Incident,
  input: OpenInput,
): Promise<OpenResult | null> {
  const updated = await updateIncident(
    ctx,
    current.id,
    {
      ...statusFields('open'),
      alert: input.alert,
      flaps: current.flaps + 1,
      resolvedAt: null,
      acknowledged: null,
      exhausted: false,
      lastEventAt: input.eventAt,
      // A reopened incident is run afresh.
      run: null,
    },
    versionIs(current.version),
  );
  if (!updated.ok) return null;

  logger.info('incident reopened', {
    incident_id: current.id,
    flaps: updated.value.flaps,
  });
  return { action: 'reopened', incident: updated.value };
}

function olderThan(eventAt: string): Condition {
  // Times are normalized ISO 8601 UTC, so text order is time order.
  return {
    expression: '#last < :eventAt',
    names: { '#last': 'lastEventAt' },
    values: { ':eventAt': eventAt },
  };
}

function notResolved(): Condition {
  return {
    expression: '#status <> :resolved',
    names: { '#status': 'status' },
    values: { ':resolved': 'resolved' },
  };
}
