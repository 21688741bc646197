/** Base class of the simulated cluster's errors. */
export class ClusterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClusterError';
  }
}

/**
 * An API failure the server answers with a `Status` object, shaped as the
 * real API server's (reason and code are the ones kubectl and client-node
 * switch on).
 */
export class ApiStatusError extends ClusterError {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: number,
    reason: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.name = 'ApiStatusError';
    this.code = code;
    this.reason = reason;
    this.details = options?.details;
  }
}

/** A patch document that cannot be applied (bad JSON, failed `test`). */
export class PatchError extends ClusterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatchError';
  }
}

/** Builds the 404 the API server returns for a missing object. */
export function notFound(resource: string, name: string): ApiStatusError {
  return new ApiStatusError(
    404,
    'NotFound',
    `${resource} "${name}" not found`,
    { details: { name, kind: resource } },
  );
}
