/** A playbook step met a state it cannot work with. */
export class EvalEngineDownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvalEngineDownError';
  }
}
