import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { config } from '#shared/config.ts';

/**
 * The single table that holds incidents, their timelines, the dedup
 * pointers and the runtime's guard counters. Every item has `pk` and `sk`
 * (strings); items that should expire carry `expiresAt` (epoch seconds,
 * DynamoDB TTL). Key space:
 *
 * | item | pk | sk | gsi1pk / gsi1sk |
 * | --- | --- | --- | --- |
 * | incident | `INCIDENT#<id>` | `INCIDENT` | `STATUS#<status>` /
 *   `<openedAt>#<id>` |
 * | timeline step | `INCIDENT#<id>` | `STEP#<at>#<seq>` | none |
 * | dedup pointer | `DEDUP#<dedupKey>` | `DEDUP` | none |
 * | guard counter | `GUARD#<guard>#<target>` | `GUARD` or a window | none |
 *
 * Steps share the incident's partition so one Query (begins_with `STEP#`)
 * reads the timeline in order; `<at>` is ISO 8601 with milliseconds, which
 * sorts as text, and `<seq>` keeps steps of the same millisecond in order.
 * The dedup pointer names the current incident of a dedup key; a
 * conditional put on it is what lets exactly one delivery open an incident.
 * Powertools idempotency, if used, should write to `pk`/`sk` with a static
 * partition beginning `IDEMPOTENCY#` and `expiresAt` as its expiry field.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** Sort key value of the incident item itself. */
export const INCIDENT_SK = 'INCIDENT';
/** Sort key prefix of timeline steps. */
export const STEP_PREFIX = 'STEP#';

/** A primary key of the table. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/**
 * CreateTable input for the table: used by dynalite in tests and the local
 * world, and mirrored by the CDK table (on-demand billing, same keys and
 * index). TTL is set separately (UpdateTimeToLive) on `expiresAt`.
 */
export function tableDefinition(
  tableName: string = config().TABLE_NAME,
): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1 } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: gsi1.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi1.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi1.name,
        KeySchema: [
          { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** Key of the incident item. */
export function incidentKey(id: string): ItemKey {
  return { pk: `INCIDENT#${id}`, sk: INCIDENT_SK };
}

/**
 * Key of one timeline step. `seq` is zero-padded so that it sorts as text
 * after the timestamp; `suffix` keeps two writers of the same millisecond
 * and sequence number from overwriting each other.
 */
export function stepKey(
  id: string,
  at: string,
  seq: number,
  suffix = '',
): ItemKey {
  const padded = String(seq).padStart(10, '0');
  const tail = suffix === '' ? padded : `${padded}#${suffix}`;
  return { pk: `INCIDENT#${id}`, sk: `${STEP_PREFIX}${at}#${tail}` };
}

/** Key of the pointer from a dedup key to its current incident. */
export function dedupPointerKey(dedupKey: string): ItemKey {
  return { pk: `DEDUP#${dedupKey}`, sk: 'DEDUP' };
}

/**
 * Key of a guard counter (for example `restart` of
 * `tars/deployment/tars-eval-engine`); `window` names a time bucket when
 * the guard counts per window.
 */
export function guardKey(
  guard: string,
  target: string,
  window = 'GUARD',
): ItemKey {
  return { pk: `GUARD#${guard}#${target}`, sk: window };
}

/** GSI partition of incidents in one status. */
export function statusPartition(status: string): string {
  return `STATUS#${status}`;
}

/** Epoch seconds for a TTL attribute, `ttlMs` after `from`. */
export function expiresAt(from: Date, ttlMs: number): number {
  return Math.floor((from.getTime() + ttlMs) / 1000);
}
