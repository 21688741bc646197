import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Conditional, conditional, type StoreContext } from './dynamo.ts';
import { fromIncidentItem } from './items.ts';
import { incidentKey, statusPartition } from './table.ts';
import type { Incident, IncidentStatus } from './types.ts';

/** A condition with the placeholders it uses (`#name`, `:value`). */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** The condition that the incident item exists. */
export const EXISTS: Condition = { expression: 'attribute_exists(pk)' };

/** Joins conditions with AND. */
export function allOf(...conditions: Condition[]): Condition {
  return {
    expression: conditions.map((c) => `(${c.expression})`).join(' AND '),
    names: Object.assign({}, ...conditions.map((c) => c.names ?? {})),
    values: Object.assign({}, ...conditions.map((c) => c.values ?? {})),
  };
}

/** The status is one of `statuses`. */
export function statusIn(statuses: readonly IncidentStatus[]): Condition {
  const values = Object.fromEntries(statuses.map((s, i) => [`:from${i}`, s]));
  return {
    expression: `#status IN (${Object.keys(values).join(', ')})`,
    names: { '#status': 'status' },
    values,
  };
}

/** The incident is at `version`. */
export function versionIs(version: number): Condition {
  return {
    expression: '#version = :expectedVersion',
    names: { '#version': 'version' },
    values: { ':expectedVersion': version },
  };
}

/** The fields that change with the status (the status index key too). */
export function statusFields(status: IncidentStatus): Record<string, unknown> {
  return { status, gsi1pk: statusPartition(status) };
}

/**
 * Sets `fields` on the incident, bumps `version` and `updatedAt`, when
 * `condition` holds. Returns the new incident, or `{ ok: false }` when the
 * condition failed; other failures throw IncidentStoreError.
 */
export async function updateIncident(
  ctx: StoreContext,
  id: string,
  fields: Record<string, unknown>,
  condition: Condition,
): Promise<Conditional<Incident>> {
  const all = { ...fields, updatedAt: ctx.clock().toISOString() };
  const command = new UpdateCommand({
    TableName: ctx.tableName,
    Key: incidentKey(id),
    ...expressions(all, condition),
    ReturnValues: 'ALL_NEW',
  });

  const result = await conditional(`update incident ${id}`, () =>
    ctx.doc.send(command),
  );

  if (!result.ok) return result;
  return { ok: true, value: fromIncidentItem(result.value.Attributes ?? {}) };
}

function expressions(fields: Record<string, unknown>, condition: Condition) {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  const sets = entries.map((_, i) => `#s${i} = :s${i}`);
  return {
    UpdateExpression: `SET ${[...sets, '#v = #v + :one'].join(', ')}`,
    ConditionExpression: condition.expression,
    ExpressionAttributeNames: {
      ...Object.fromEntries(entries.map(([k], i) => [`#s${i}`, k])),
      '#v': 'version',
      ...condition.names,
    },
    ExpressionAttributeValues: {
      ...Object.fromEntries(entries.map(([, v], i) => [`:s${i}`, v])),
      ':one': 1,
      ...condition.values,
    },
  };
}
