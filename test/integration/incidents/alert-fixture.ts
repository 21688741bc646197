import { readFileSync } from 'node:fs';
import type { NormalizedAlert } from '#shared/alerts/types.ts';
import type { OpenInput } from '#shared/incidents/types.ts';

const FIXTURES = new URL('../../fixtures/alertmanager/', import.meta.url);

interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}

/**
 * The first alert of a real Alertmanager webhook fixture as the store
 * receives it (normalized by hand so these tests do not depend on the
 * parsers). `scope` makes the dedup key unique per test.
 */
export function fixtureAlert(
  file: 'firing' | 'resolved',
  scope: string,
): NormalizedAlert {
  const name = `webhook-kube-prometheus-crashlooping-${file}.reconstructed.json`;
  const body = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
  const raw = body.alerts[0] as WebhookAlert;
  const { alertname = '', namespace = '', service = '' } = raw.labels;
  return {
    source: 'alertmanager',
    name: alertname,
    status: raw.status,
    severity: raw.labels.severity ?? null,
    labels: raw.labels,
    annotations: raw.annotations,
    startsAt: new Date(raw.startsAt).toISOString(),
    endsAt:
      raw.status === 'resolved' ? new Date(raw.endsAt).toISOString() : null,
    fingerprint: raw.fingerprint,
    dedupKey: `${alertname}/${namespace}/${service}/${scope}`,
    warnings: [],
  };
}

/** The store input for a firing alert, event time = `startsAt`. */
export function openInput(alert: NormalizedAlert): OpenInput {
  return {
    alert,
    playbook: 'pod-crash-looping',
    severity: 'P1',
    target: {
      namespace: alert.labels.namespace ?? 'tars',
      deployment: null,
      service: alert.labels.service ?? null,
      selector: null,
      agent: null,
    },
    dryRun: false,
    eventAt: alert.startsAt ?? '',
  };
}

/** The alert with its event times moved by `ms`. */
export function shifted(alert: NormalizedAlert, ms: number): NormalizedAlert {
  const move = (at: string | null) =>
    at === null ? null : new Date(Date.parse(at) + ms).toISOString();
  return {
    ...alert,
    startsAt: move(alert.startsAt),
    endsAt: move(alert.endsAt),
  };
}
