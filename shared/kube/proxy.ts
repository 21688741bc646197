import type { CoreV1Api } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { toKubeError } from './call.ts';
import type { ProxyGetArgs, ProxyResponse } from './types.ts';

/** Statuses that are about our credentials, never about the service. */
const AUTH_FAILURES = new Set([401, 403]);

/**
 * GET through the API server's service proxy
 * (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH`). The service's
 * own answer comes back whatever its status, since a 503 from `/health`
 * is a finding, not a failure; auth and transport failures throw KubeError.
 */
export async function proxyGet(
  core: CoreV1Api,
  args: ProxyGetArgs,
): Promise<ProxyResponse> {
  const { namespace, service, port, path } = args;
  const name = `${service}:${port}`;
  const request = { verb: 'get', kind: 'services/proxy', namespace, name };
  try {
    const body: unknown = await core.connectGetNamespacedServiceProxyWithPath({
      namespace,
      name,
      path: path.replace(/^\/+/, ''),
    });
    return { status: 200, body: parseBody(body) };
  } catch (error) {
    if (error instanceof ApiException && !AUTH_FAILURES.has(error.code)) {
      return { status: error.code, body: parseBody(error.body) };
    }
    throw toKubeError(request, error);
  }
}

/** JSON text becomes a value; the client hands back either, by status. */
function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') {
    return body;
  }
  try {
    return JSON.parse(body);
  } catch {
    // Not JSON (plain text health pages): keep the text as it is.
    return body;
  }
}
