import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { TimelineEntry } from '#shared/playbook/types.ts';
import { call, conditional, type StoreContext } from './dynamo.ts';
import { IncidentStoreError } from './errors.ts';
import { fromIncidentItem, fromStepItem, toIncidentItem } from './items.ts';
import {
  dedupPointerKey,
  incidentKey,
  STEP_PREFIX,
  statusPartition,
  TABLE_KEYS,
} from './table.ts';
import { INCIDENT_STATUSES, type Incident } from './types.ts';

/** The dedup pointer: the current incident of a dedup key. */
export interface Pointer {
  incidentId: string;
  /** The incident as it was opened, to repair a half-finished opening. */
  opening: Incident;
}

/** The incident, read consistently, or null when there is none. */
export async function getIncident(
  ctx: StoreContext,
  id: string,
): Promise<Incident | null> {
  const { Item } = await call(`get incident ${id}`, () =>
    ctx.doc.send(
      new GetCommand({
        TableName: ctx.tableName,
        Key: incidentKey(id),
        ConsistentRead: true,
      }),
    ),
  );
  return Item ? fromIncidentItem(Item) : null;
}

/** The dedup pointer of `dedupKey`, or null when none was ever opened. */
export async function readPointer(
  ctx: StoreContext,
  dedupKey: string,
): Promise<Pointer | null> {
  const { Item } = await call(`read dedup pointer ${dedupKey}`, () =>
    ctx.doc.send(
      new GetCommand({
        TableName: ctx.tableName,
        Key: dedupPointerKey(dedupKey),
        ConsistentRead: true,
      }),
    ),
  );
  if (!Item) return null;
  return { incidentId: String(Item.incidentId), opening: Item.opening };
}

/**
 * The pointer's incident. An opener writes the pointer first and the
 * incident second; if it died in between, the incident is written here
 * from the pointer's copy (a conditional put, so it never overwrites).
 */
export async function loadIncident(
  ctx: StoreContext,
  pointer: Pointer,
): Promise<Incident> {
  const found = await getIncident(ctx, pointer.incidentId);
  if (found) return found;

  await putNewIncident(ctx, pointer.opening);
  const repaired = await getIncident(ctx, pointer.incidentId);
  if (repaired) return repaired;
  throw new IncidentStoreError(
    `dedup pointer names incident ${pointer.incidentId}, which is missing`,
  );
}

/** Writes a new incident item unless it exists; true if this call wrote it. */
export async function putNewIncident(
  ctx: StoreContext,
  incident: Incident,
): Promise<boolean> {
  const written = await conditional(`put incident ${incident.id}`, () =>
    ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: toIncidentItem(incident),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  return written.ok;
}

/** The incident's timeline, oldest first. */
export async function readTimeline(
  ctx: StoreContext,
  id: string,
): Promise<TimelineEntry[]> {
  const items = await queryAll(ctx, `read timeline of incident ${id}`, {
    TableName: ctx.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :step)',
    ExpressionAttributeValues: {
      ':pk': incidentKey(id).pk,
      ':step': STEP_PREFIX,
    },
    ConsistentRead: true,
  });
  return items.map(fromStepItem);
}

/** Incidents not yet resolved, oldest first (the index is eventual). */
export async function readOpen(ctx: StoreContext): Promise<Incident[]> {
  const statuses = INCIDENT_STATUSES.filter((s) => s !== 'resolved');
  const pages = await Promise.all(
    statuses.map((status) =>
      queryAll(ctx, `list ${status} incidents`, {
        TableName: ctx.tableName,
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :status',
        ExpressionAttributeValues: { ':status': statusPartition(status) },
      }),
    ),
  );
  return pages
    .flat()
    .map(fromIncidentItem)
    .sort((a, b) => byOpening(a, b));
}

function byOpening(a: Incident, b: Incident): number {
  return (a.openedAt + a.id).localeCompare(b.openedAt + b.id);
}

async function queryAll(
  ctx: StoreContext,
  what: string,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await call(what, () =>
      ctx.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
