/** What a missing namespace or workload becomes in a dedup key. */
export const MISSING_PART = '-';

/**
 * The incident dedup key: name/namespace/workload, plus /agent when the
 * alert carries an `agent` label. The workload is the `deployment` label,
 * else `service`, else `job`; a missing (or empty) namespace or workload is
 * `-`. `%` and `/` inside a part are percent-encoded so two different
 * alerts can never share a key.
 *
 * @example dedupKey('TarsEvalEngineDown', { namespace: 'tars',
 *   deployment: 'tars-eval-engine' })
 * // 'TarsEvalEngineDown/tars/tars-eval-engine'
 */
export function dedupKey(name: string, labels: Record<string, string>): string {
  const workload = present(labels.deployment ?? '')
    ? labels.deployment
    : present(labels.service ?? '')
      ? labels.service
      : labels.job;
  const parts = [name, labels.namespace, workload].map(orMissing);
  if (present(labels.agent ?? '')) parts.push(orMissing(labels.agent));
  return parts.join('/');
}

function present(value: string): boolean {
  return value.length > 0;
}

function orMissing(value: string | undefined): string {
  if (value === undefined || value === '') return MISSING_PART;
  return value.replaceAll('%', '%25').replaceAll('/', '%2F');
}
