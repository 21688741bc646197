import type { StepOutcome } from './types.ts';

/** Base class of the playbook runtime's errors. */
export class PlaybookError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PlaybookError';
  }
}

/**
 * Stops a playbook: a guard blocked an act, or a step failed. The runtime
 * turns it into an escalation with `reason`; a playbook need not catch it.
 */
export class PlaybookHalt extends PlaybookError {
  readonly step: string;
  readonly outcome: Extract<StepOutcome, 'blocked' | 'failed'>;
  readonly reason: string;

  constructor(
    detail: {
      step: string;
      outcome: Extract<StepOutcome, 'blocked' | 'failed'>;
      reason: string;
    },
    options?: { cause?: unknown },
  ) {
    super(`${detail.step} ${detail.outcome}: ${detail.reason}`, options);
    this.name = 'PlaybookHalt';
    this.step = detail.step;
    this.outcome = detail.outcome;
    this.reason = detail.reason;
  }
}

/** A guard's DynamoDB item could not be read or written. */
export class GuardStoreError extends PlaybookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GuardStoreError';
  }
}

/** Recording to the incident store failed; retried by the caller. */
export class RuntimeStoreError extends PlaybookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeStoreError';
  }
}
