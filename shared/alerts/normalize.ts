import { dedupKey } from './dedup-key.ts';
import { fingerprint, isFingerprint } from './fingerprint.ts';
import { parseTime } from './time.ts';
import type { AlertSource, AlertStatus, NormalizedAlert } from './types.ts';

/** An alert as a format reader saw it, before the derived fields. */
export interface AlertDraft {
  source: AlertSource;
  name: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
  /** The source's own fingerprint, when it sent one. */
  fingerprint?: unknown;
  warnings: string[];
}

/** Adds severity, fingerprint and dedup key to a draft. */
export function finishAlert(draft: AlertDraft): NormalizedAlert {
  const warnings = [...draft.warnings];
  const sourceFingerprint = draft.fingerprint;
  const ownFingerprint = isFingerprint(sourceFingerprint)
    ? sourceFingerprint
    : undefined;
  if (sourceFingerprint !== undefined && ownFingerprint === undefined) {
    warnings.push('fingerprint is not 16 hex digits; computed from labels');
  }

  return {
    source: draft.source,
    name: draft.name,
    status: draft.status,
    severity: draft.labels.severity ?? null,
    labels: draft.labels,
    annotations: draft.annotations,
    startsAt: draft.startsAt,
    endsAt: draft.endsAt,
    fingerprint: ownFingerprint ?? fingerprint(draft.labels),
    dedupKey: dedupKey(draft.name, draft.labels),
    warnings,
  };
}

const STATUS_WORDS: Record<string, AlertStatus> = {
  firing: 'firing',
  resolved: 'resolved',
  alarm: 'firing',
  ok: 'resolved',
  insufficient_data: 'unknown',
};

/**
 * Maps a source status (Alertmanager's or an alarm state) to ours; an
 * unknown word is `unknown`, with a warning.
 */
export function readStatus(value: unknown, warnings: string[]): AlertStatus {
  const word = typeof value === 'string' ? value.toLowerCase() : '';
  const status = STATUS_WORDS[word];
  if (status) return status;

  warnings.push(`status ${JSON.stringify(value)} not understood; unknown`);
  return 'unknown';
}

/** Reads an optional time field; an unreadable one is null, with a warning. */
export function readTime(
  value: unknown,
  field: string,
  warnings: string[],
): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') {
    warnings.push(`${field} is not a string; ignored`);
    return null;
  }

  const parsed = parseTime(value);
  if (parsed.ok) return parsed.iso;
  warnings.push(`${field} ${JSON.stringify(value)}: ${parsed.reason}`);
  return null;
}

/**
 * Reads a label or annotation map. Non-string values are kept as their
 * JSON text (with a warning) so nothing the source said is lost.
 */
export function readStringMap(
  value: unknown,
  field: string,
  warnings: string[],
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    warnings.push(`${field} is not an object; ignored`);
    return {};
  }

  // fromEntries defines own properties, so even `__proto__` stays a label.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      stringValue(item, `${field}.${key}`, warnings),
    ]),
  );
}

function stringValue(item: unknown, field: string, warnings: string[]) {
  if (typeof item === 'string') return item;
  warnings.push(`${field} is not a string; kept as JSON`);
  return JSON.stringify(item) ?? String(item);
}

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a format reader made of one message. */
export interface ReadResult {
  alerts: NormalizedAlert[];
  /** Reasons for alerts inside the message that could not be read. */
  rejects: string[];
}

/**
 * Runs `read` on each item; an item that throws becomes a reject reason
 * (prefixed with its position) instead of losing its neighbours.
 */
export function readEach<T>(
  items: readonly T[],
  read: (item: T) => NormalizedAlert,
): ReadResult {
  const result: ReadResult = { alerts: [], rejects: [] };
  items.forEach((item, index) => {
    try {
      result.alerts.push(read(item));
    } catch (error) {
      result.rejects.push(`alert ${index}: ${errorMessage(error)}`);
    }
  });
  return result;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
