import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IncidentStoreError } from './errors.ts';

/** What every store operation needs: the table, the client and the time. */
export interface StoreContext {
  doc: DynamoDBDocumentClient;
  tableName: string;
  clock: () => Date;
  reopenWindowMs: number;
  /** Next sequence number for timeline steps of this writer. */
  nextSeq: () => number;
}

/** The result of a conditional write: its value, or that the check failed. */
export type Conditional<T> = { ok: true; value: T } | { ok: false };

/**
 * Runs one DynamoDB call; any failure becomes an IncidentStoreError that
 * says what was asked, with the SDK error as its cause.
 */
export async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw wrap(what, error);
  }
}

/**
 * Runs a conditional write. A failed condition is an answer, not an error:
 * it comes back as `{ ok: false }`; anything else is wrapped and thrown.
 */
export async function conditional<T>(
  what: string,
  run: () => Promise<T>,
): Promise<Conditional<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (isConditionFailure(error)) return { ok: false };
    throw wrap(what, error);
  }
}

/** True for a failed condition, alone or as a cancelled transaction. */
export function isConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  if (error.name !== 'TransactionCanceledException') return false;

  const reasons = (error as { CancellationReasons?: { Code?: string }[] })
    .CancellationReasons;
  return (reasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}

function wrap(what: string, error: unknown): IncidentStoreError {
  const name = error instanceof Error ? error.name : typeof error;
  const detail = error instanceof Error ? error.message : String(error);
  return new IncidentStoreError(`${what} failed (${name}: ${detail})`, {
    cause: error,
  });
}
