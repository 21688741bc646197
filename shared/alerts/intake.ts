import { logger } from '#shared/logger.ts';
import { type RawRecord, splitEvent } from './envelope.ts';
import { RecordRejectedError } from './errors.ts';
import { excerpt } from './excerpt.ts';
import { readMessage } from './message.ts';
import type {
  DeliveredAlert,
  IntakeResult,
  ParseOutput,
  RejectedRecord,
} from './types.ts';

/** At most this many rejected entries are kept per event. */
export const MAX_REJECTED = 100;

/**
 * Turns a Lambda event (SNS, SQS, a bare SNS notification or a raw message)
 * into normalized alerts. Each record is read on its own: one that is not an
 * alert becomes a rejected entry (and a warning log) and never costs the
 * others. Never throws.
 *
 * @example
 * const { delivered, rejected } = parseEvent(snsEvent);
 */
export function parseEvent(event: unknown): IntakeResult {
  const result: IntakeResult = { delivered: [], rejected: [] };
  for (const item of splitEvent(event)) {
    if (item.ok) readRecord(item.raw, result);
    else result.rejected.push(item.rejection);
  }

  result.rejected = capRejected(result.rejected);
  for (const rejection of result.rejected) logRejection(rejection);
  return result;
}

/** The contract's shape, as `npm run parse` prints it. */
export function toParseOutput(result: IntakeResult): ParseOutput {
  return {
    alerts: result.delivered.map((delivered) => delivered.alert),
    rejected: result.rejected,
  };
}

function readRecord(raw: RawRecord, result: IntakeResult): void {
  try {
    const { alerts, rejects } = readMessage(raw.message, raw.truncated);
    result.delivered.push(...alerts.map((alert) => deliver(raw, alert)));
    result.rejected.push(...rejects.map((reason) => reject(raw, reason)));
  } catch (error) {
    result.rejected.push(reject(raw, rejectionReason(error, raw)));
  }
}

function deliver(
  raw: RawRecord,
  alert: DeliveredAlert['alert'],
): DeliveredAlert {
  const { messageId, record, receivedAt } = raw;
  return { alert, messageId, record, receivedAt };
}

function reject(raw: RawRecord, reason: string): RejectedRecord {
  const rejection: RejectedRecord = {
    reason,
    record: raw.record,
    excerpt: excerpt(raw.message),
  };
  if (raw.messageId !== null) rejection.messageId = raw.messageId;
  return rejection;
}

/**
 * A reader bug must not lose the other records of the batch: it is
 * reported as a rejection and logged as an error, not rethrown.
 */
function rejectionReason(error: unknown, raw: RawRecord): string {
  if (error instanceof RecordRejectedError) return error.message;
  logger.error('alert reader failed', {
    record: raw.record,
    message_id: raw.messageId,
    error,
  });
  const message = error instanceof Error ? error.message : String(error);
  return `internal error while reading the record: ${message}`;
}

function capRejected(rejected: RejectedRecord[]): RejectedRecord[] {
  if (rejected.length <= MAX_REJECTED) return rejected;

  const kept = rejected.slice(0, MAX_REJECTED);
  const last = kept[MAX_REJECTED - 1];
  const dropped = rejected.length - MAX_REJECTED;
  if (last) {
    kept[MAX_REJECTED - 1] = {
      ...last,
      reason: `${last.reason} (${dropped} more rejected entries dropped)`,
    };
  }
  return kept;
}

function logRejection(rejection: RejectedRecord): void {
  logger.warn('alert record rejected', {
    record: rejection.record,
    message_id: rejection.messageId,
    reason: rejection.reason,
  });
}
