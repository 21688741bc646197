/** A drill that cannot run as asked; the message says what to change. */
export class DrillError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DrillError';
  }
}
