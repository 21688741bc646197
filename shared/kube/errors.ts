/** What a failed call asked for, so a log line says what went wrong where. */
export interface KubeRequest {
  verb: string;
  kind: string;
  namespace: string;
  name?: string;
}

function describe(request: KubeRequest): string {
  const object = request.name ? `/${request.name}` : '';
  return `${request.verb} ${request.kind} ${request.namespace}${object}`;
}

/** Any Kubernetes API failure not handled by code (not 404 or 409). */
export class KubeError extends Error {
  readonly request: KubeRequest;
  /** HTTP status, or null when no response arrived. */
  readonly statusCode: number | null;

  constructor(
    request: KubeRequest,
    statusCode: number | null,
    options?: { cause?: unknown },
  ) {
    const status = statusCode === null ? 'no response' : `HTTP ${statusCode}`;
    super(`kubernetes ${describe(request)} failed: ${status}`, options);
    this.name = 'KubeError';
    this.request = request;
    this.statusCode = statusCode;
  }
}

/** 404 where the caller needs the object to exist (e.g. a patch). */
export class KubeNotFoundError extends KubeError {
  constructor(request: KubeRequest, options?: { cause?: unknown }) {
    super(request, 404, options);
    this.name = 'KubeNotFoundError';
  }
}

/** 409: someone else changed the object; re-read and decide again. */
export class KubeConflictError extends KubeError {
  constructor(request: KubeRequest, options?: { cause?: unknown }) {
    super(request, 409, options);
    this.name = 'KubeConflictError';
  }
}

/** A write refused by `readOnlyCluster`: dry-run never changes the cluster. */
export class DryRunWriteError extends Error {
  /** The refused call, e.g. `patchDeployment tars/tars-eval-engine`. */
  readonly write: string;

  constructor(write: string, options?: { cause?: unknown }) {
    super(`dry-run refused a cluster write: ${write}`, options);
    this.name = 'DryRunWriteError';
    this.write = write;
  }
}
