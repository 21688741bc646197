import type { IncidentStatus } from './types.ts';

/** A DynamoDB call of the incident store failed; `message` says what. */
export class IncidentStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IncidentStoreError';
  }
}

/** The incident asked for does not exist. */
export class IncidentNotFoundError extends IncidentStoreError {
  readonly incidentId: string;

  constructor(incidentId: string, options?: { cause?: unknown }) {
    super(`incident ${incidentId} does not exist`, options);
    this.name = 'IncidentNotFoundError';
    this.incidentId = incidentId;
  }
}

/** What a conditional update expected and what it found instead. */
export interface ConflictDetail {
  incidentId: string;
  /** What the caller wanted to do, e.g. `transition to mitigated`. */
  operation: string;
  expectedStatuses: readonly IncidentStatus[] | null;
  expectedVersion: number | null;
  currentStatus: IncidentStatus;
  currentVersion: number;
}

/**
 * Another writer changed the incident first (or it is not in a state that
 * allows the change). Carries the current status and version so the caller
 * can re-read and decide, never silently undo the other writer.
 */
export class IncidentConflictError extends IncidentStoreError {
  readonly incidentId: string;
  readonly currentStatus: IncidentStatus;
  readonly currentVersion: number;
  readonly detail: ConflictDetail;

  constructor(detail: ConflictDetail, options?: { cause?: unknown }) {
    super(conflictMessage(detail), options);
    this.name = 'IncidentConflictError';
    this.incidentId = detail.incidentId;
    this.currentStatus = detail.currentStatus;
    this.currentVersion = detail.currentVersion;
    this.detail = detail;
  }
}

function conflictMessage(detail: ConflictDetail): string {
  const wanted = [
    detail.expectedStatuses && `status in [${detail.expectedStatuses}]`,
    detail.expectedVersion !== null && `version ${detail.expectedVersion}`,
  ].filter(Boolean);
  const expectation = wanted.length > 0 ? wanted.join(' and ') : 'no change';
  return (
    `cannot ${detail.operation} incident ${detail.incidentId}: expected ` +
    `${expectation}, found status ${detail.currentStatus} at version ` +
    `${detail.currentVersion}`
  );
}
