import { randomBytes } from 'node:crypto';
import type { TimelineEntry } from '#shared/playbook/types.ts';
import { IncidentStoreError } from './errors.ts';
import {
  dedupPointerKey,
  incidentKey,
  statusPartition,
  stepKey,
} from './table.ts';
import type { Incident, OpenInput } from './types.ts';

type Item = Record<string, unknown>;

const INCIDENT_FIELDS = [
  'id',
  'dedupKey',
  'status',
  'severity',
  'playbook',
  'alert',
  'target',
  'tier',
  'acknowledged',
  'flaps',
  'exhausted',
  'silenced',
  'dryRun',
  'openedAt',
  'updatedAt',
  'resolvedAt',
  'lastEventAt',
  'version',
  'run',
] as const satisfies readonly (keyof Incident)[];

const STEP_FIELDS = [
  'at',
  'step',
  'kind',
  'target',
  'outcome',
  'dryRun',
  'before',
  'after',
  'reason',
  'durationMs',
  'tier',
] as const satisfies readonly (keyof TimelineEntry)[];

/**
 * A new incident id: `inc-<yyyymmddThhmmss>-<8 hex>`, so ids sort by
 * opening time and two openings in the same second still differ.
 */
export function newIncidentId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, '');
  return `inc-${stamp}-${randomBytes(4).toString('hex')}`;
}

/** The incident a firing alert opens. */
export function newIncident(input: OpenInput, now: Date): Incident {
  const at = now.toISOString();
  return {
    id: newIncidentId(now),
    dedupKey: input.alert.dedupKey,
    status: 'open',
    severity: input.severity,
    playbook: input.playbook,
    alert: input.alert,
    target: input.target,
    tier: 0,
    acknowledged: null,
    flaps: 0,
    exhausted: false,
    silenced: false,
    dryRun: input.dryRun,
    openedAt: at,
    updatedAt: at,
    resolvedAt: null,
    lastEventAt: isoTime(input.eventAt, 'eventAt'),
    version: 1,
    run: null,
  };
}

/** The incident item: the incident plus its keys and index keys. */
export function toIncidentItem(incident: Incident): Item {
  return {
    ...incidentKey(incident.id),
    gsi1pk: statusPartition(incident.status),
    gsi1sk: `${incident.openedAt}#${incident.id}`,
    type: 'incident',
    ...incident,
  };
}

/** The incident in an item, without the table's own attributes. */
export function fromIncidentItem(item: Item): Incident {
  const incident = pick(item, INCIDENT_FIELDS) as unknown as Incident;
  incident.run ??= null;
  return incident;
}

/** The dedup pointer; it keeps the opening incident so anyone can repair. */
export function toPointerItem(incident: Incident): Item {
  return {
    ...dedupPointerKey(incident.dedupKey),
    type: 'dedup',
    incidentId: incident.id,
    opening: incident,
  };
}

/** A timeline step item; `before`/`after` are stored as plain JSON. */
export function toStepItem(
  incidentId: string,
  entry: TimelineEntry,
  seq: number,
): Item {
  const at = isoTime(entry.at, 'timeline entry time');
  const suffix = randomBytes(2).toString('hex');
  return {
    ...stepKey(incidentId, at, seq, suffix),
    type: 'step',
    incidentId,
    ...entry,
    at,
    before: plainJson(entry.before),
    after: plainJson(entry.after),
  };
}

/** The timeline entry in a step item. */
export function fromStepItem(item: Item): TimelineEntry {
  const entry = pick(item, STEP_FIELDS);
  if (item.tier === undefined) delete entry.tier;
  return entry as unknown as TimelineEntry;
}

/** Normalizes a time to ISO 8601 UTC with milliseconds. */
export function isoTime(value: string, what: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new IncidentStoreError(`${what} is not a valid time: ${value}`);
  }
  return new Date(time).toISOString();
}

function pick(item: Item, fields: readonly string[]): Item {
  return Object.fromEntries(fields.map((f) => [f, item[f] ?? null]));
}

// Step details come from live objects (Kubernetes responses, errors); a
// JSON round trip drops what DynamoDB cannot store (undefined, functions).
function plainJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : JSON.parse(text);
  } catch (error) {
    throw new IncidentStoreError('timeline step detail is not JSON', {
      cause: error,
    });
  }
}
