import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TimelineEntry } from '#shared/playbook/types.ts';
import { call, type StoreContext } from './dynamo.ts';
import {
  IncidentConflictError,
  IncidentNotFoundError,
  IncidentStoreError,
} from './errors.ts';
import { toStepItem } from './items.ts';
import { getIncident } from './reads.ts';
import type {
  Incident,
  IncidentFlags,
  IncidentStatus,
  TransitionInput,
} from './types.ts';
import {
  allOf,
  type Condition,
  EXISTS,
  statusFields,
  statusIn,
  updateIncident,
  versionIs,
} from './update.ts';

/**
 * Moves the incident to `to` when its status is one of `from` (and its
 * version is `expectedVersion`, when given). The loser of a race gets
 * IncidentConflictError with the status and version it lost to.
 */
export async function transition(
  ctx: StoreContext,
  id: string,
  input: TransitionInput,
): Promise<Incident> {
  if (input.from.length === 0) {
    throw new IncidentStoreError(`transition of ${id} names no from status`);
  }
  const conditions = [EXISTS, statusIn(input.from)];
  if (input.expectedVersion !== undefined) {
    conditions.push(versionIs(input.expectedVersion));
  }

  const updated = await updateIncident(
    ctx,
    id,
    { ...input.patch, ...statusFields(input.to), ...resolution(ctx, input) },
    allOf(...conditions),
  );

  if (updated.ok) return updated.value;
  throw await conflict(ctx, id, `transition to ${input.to}`, input);
}

/**
 * Records who acknowledged the incident. The first acknowledgement stands;
 * a second one returns the incident unchanged. A resolved incident cannot
 * be acknowledged.
 */
export async function acknowledge(
  ctx: StoreContext,
  id: string,
  by: string,
): Promise<Incident> {
  const at = ctx.clock().toISOString();
  const unacknowledged: Condition = {
    expression: 'attribute_type(acknowledged, :null) AND #status <> :done',
    names: { '#status': 'status' },
    values: { ':null': 'NULL', ':done': 'resolved' },
  };
  const updated = await updateIncident(
    ctx,
    id,
    { acknowledged: { by, at } },
    allOf(EXISTS, unacknowledged),
  );
  if (updated.ok) return updated.value;

  const current = await mustGet(ctx, id);
  if (current.acknowledged) return current;
  throw conflictWith(current, 'acknowledge', null, null);
}

/** Raises the highest tier paged; a lower or equal tier changes nothing. */
export async function setTier(
  ctx: StoreContext,
  id: string,
  tier: number,
): Promise<Incident> {
  if (!Number.isInteger(tier) || tier < 0) {
    throw new IncidentStoreError(`tier must be a whole number, got ${tier}`);
  }
  const lower: Condition = {
    expression: '#tier < :tier',
    names: { '#tier': 'tier' },
    values: { ':tier': tier },
  };
  const updated = await updateIncident(ctx, id, { tier }, allOf(EXISTS, lower));
  if (updated.ok) return updated.value;
  return mustGet(ctx, id);
}

/** Sets the flags given (exhausted, silenced, dryRun), leaving the rest. */
export async function setFlags(
  ctx: StoreContext,
  id: string,
  flags: IncidentFlags,
): Promise<Incident> {
  const fields = Object.fromEntries(
    Object.entries(flags).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(fields).length === 0) return mustGet(ctx, id);

  const updated = await updateIncident(ctx, id, fields, EXISTS);
  if (updated.ok) return updated.value;
  throw new IncidentNotFoundError(id);
}

/** Appends one timeline step as its own item. */
export async function appendStep(
  ctx: StoreContext,
  id: string,
  entry: TimelineEntry,
): Promise<void> {
  const item = toStepItem(id, entry, ctx.nextSeq());
  await call(`append step ${entry.step} to incident ${id}`, () =>
    ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: item,
        // A step is never rewritten; a clash is a bug worth an error.
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** The incident, or IncidentNotFoundError. */
export async function mustGet(
  ctx: StoreContext,
  id: string,
): Promise<Incident> {
  const incident = await getIncident(ctx, id);
  if (!incident) throw new IncidentNotFoundError(id);
  return incident;
}

function resolution(ctx: StoreContext, input: TransitionInput) {
  if (input.to === 'resolved') {
    return { resolvedAt: input.patch?.resolvedAt ?? ctx.clock().toISOString() };
  }
  // Leaving `resolved` by hand is a reopening: forget the old resolution.
  return input.from.includes('resolved') ? { resolvedAt: null } : {};
}

async function conflict(
  ctx: StoreContext,
  id: string,
  operation: string,
  input: TransitionInput,
): Promise<IncidentConflictError> {
  const current = await mustGet(ctx, id);
  return conflictWith(
    current,
    operation,
    input.from,
    input.expectedVersion ?? null,
  );
}

function conflictWith(
  current: Incident,
  operation: string,
  expectedStatuses: readonly IncidentStatus[] | null,
  expectedVersion: number | null,
): IncidentConflictError {
  return new IncidentConflictError({
    incidentId: current.id,
    operation,
    expectedStatuses,
    expectedVersion,
    currentStatus: current.status,
    currentVersion: current.version,
  });
}
