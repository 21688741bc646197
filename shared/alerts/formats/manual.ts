import { RecordRejectedError } from '../errors.ts';
import {
  finishAlert,
  readStatus,
  readStringMap,
  readTime,
} from '../normalize.ts';
import type { NormalizedAlert } from '../types.ts';

/** An alert written by hand: `{ alertname, labels, annotations?, status? }`. */
export function isManualAlert(body: Record<string, unknown>): boolean {
  return typeof body.alertname === 'string';
}

/**
 * Reads a manual alert. `status` defaults to firing; `alertname` is also
 * set as a label so the fingerprint matches Alertmanager's for the same
 * labels.
 */
export function readManualAlert(
  body: Record<string, unknown>,
): NormalizedAlert {
  const warnings: string[] = [];
  const name = typeof body.alertname === 'string' ? body.alertname : '';
  if (name === '') throw new RecordRejectedError('manual alert has no name');
  const labels = readStringMap(body.labels, 'labels', warnings);
  if (labels.alertname !== undefined && labels.alertname !== name) {
    warnings.push('labels.alertname differs from alertname; alertname kept');
  }

  return finishAlert({
    source: 'manual',
    name,
    status:
      body.status === undefined ? 'firing' : readStatus(body.status, warnings),
    labels: { ...labels, alertname: name },
    annotations: readStringMap(body.annotations, 'annotations', warnings),
    startsAt: readTime(body.startsAt, 'startsAt', warnings),
    endsAt: readTime(body.endsAt, 'endsAt', warnings),
    warnings,
  });
}
