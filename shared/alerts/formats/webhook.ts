import { RecordRejectedError } from '../errors.ts';
import {
  finishAlert,
  isRecord,
  type ReadResult,
  readEach,
  readStatus,
  readStringMap,
  readTime,
} from '../normalize.ts';
import type { NormalizedAlert } from '../types.ts';

/** The two sources that share the webhook JSON shape. */
export type WebhookSource = 'alertmanager' | 'amp-template';

/** Go's `time.String()` form, which only AWS's AMP template renders. */
const GO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:/;

/** A parsed message with an `alerts` array: Alertmanager's webhook shape. */
export function isWebhook(body: Record<string, unknown>): boolean {
  return Array.isArray(body.alerts);
}

/**
 * Alertmanager's webhook JSON carries `version`; AWS's suggested AMP
 * template does not, and renders times in Go's form.
 */
export function webhookSource(alerts: readonly unknown[]): WebhookSource {
  const goTimes = alerts.some(
    (alert) =>
      isRecord(alert) &&
      typeof alert.startsAt === 'string' &&
      GO_TIME.test(alert.startsAt),
  );
  return goTimes ? 'amp-template' : 'alertmanager';
}

/** Reads every alert of a webhook body, each with its own status. */
export function readWebhook(body: Record<string, unknown>): ReadResult {
  const alerts = Array.isArray(body.alerts) ? body.alerts : [];
  const source =
    body.version === undefined ? webhookSource(alerts) : 'alertmanager';
  const notes = groupWarnings(body);
  return readWebhookAlerts(alerts, source, notes);
}

/** Reads webhook alert objects (also the ones salvaged from broken JSON). */
export function readWebhookAlerts(
  alerts: readonly unknown[],
  source: WebhookSource,
  notes: readonly string[],
): ReadResult {
  if (alerts.length === 0) {
    throw new RecordRejectedError('webhook message holds no alerts');
  }
  return readEach(alerts, (alert) => readWebhookAlert(alert, source, notes));
}

function groupWarnings(body: Record<string, unknown>): string[] {
  const notes: string[] = [];
  const dropped = body.truncatedAlerts;
  if (typeof dropped === 'number' && dropped > 0) {
    notes.push(`Alertmanager left ${dropped} alerts of this group out`);
  }
  if (body.version !== undefined && body.version !== '4') {
    notes.push(`webhook version ${JSON.stringify(body.version)} is not 4`);
  }
  return notes;
}

function readWebhookAlert(
  alert: unknown,
  source: WebhookSource,
  notes: readonly string[],
): NormalizedAlert {
  if (!isRecord(alert)) throw new RecordRejectedError('not an object');
  const warnings = [...notes];
  const labels = readStringMap(alert.labels, 'labels', warnings);
  const name = labels.alertname;
  if (!name) throw new RecordRejectedError('no alertname label');

  return finishAlert({
    source,
    name,
    status: readStatus(alert.status, warnings),
    labels,
    annotations: readStringMap(alert.annotations, 'annotations', warnings),
    startsAt: readTime(alert.startsAt, 'startsAt', warnings),
    endsAt: readTime(alert.endsAt, 'endsAt', warnings),
    // The AMP template renders an empty string when there is none.
    fingerprint: alert.fingerprint === '' ? undefined : alert.fingerprint,
    warnings,
  });
}
