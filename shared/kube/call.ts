import { ApiException } from '@kubernetes/client-node';
import type { KubeRequest } from './errors.ts';
import { KubeConflictError, KubeError, KubeNotFoundError } from './errors.ts';

/**
 * Runs one API call and turns its failure into our errors: 404 into
 * KubeNotFoundError, 409 into KubeConflictError (both handled by callers
 * by code), anything else into KubeError naming what was asked.
 */
export async function call<T>(
  request: KubeRequest,
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toKubeError(request, error);
  }
}

/** Like `call`, but a missing object is null rather than an error. */
export async function callOrNull<T>(
  request: KubeRequest,
  send: () => Promise<T>,
): Promise<T | null> {
  try {
    return await call(request, send);
  } catch (error) {
    if (error instanceof KubeNotFoundError) {
      return null;
    }
    throw error;
  }
}

/** Maps a thrown value to KubeError or one of its handled subclasses. */
export function toKubeError(request: KubeRequest, error: unknown): KubeError {
  if (error instanceof KubeError) {
    return error;
  }
  const code = error instanceof ApiException ? error.code : null;
  if (code === 404) {
    return new KubeNotFoundError(request, { cause: error });
  }
  if (code === 409) {
    return new KubeConflictError(request, { cause: error });
  }
  return new KubeError(request, code, { cause: error });
}
