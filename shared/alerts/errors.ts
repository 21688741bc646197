/** Base class of the alert intake's errors. */
export class AlertIntakeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlertIntakeError';
  }
}

/**
 * A record (or one alert of it) that cannot become an alert. Intake turns it
 * into a `RejectedRecord` with this message as the reason; it never escapes
 * `parseEvent`.
 */
export class RecordRejectedError extends AlertIntakeError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'RecordRejectedError';
  }
}
