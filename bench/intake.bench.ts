import { readFileSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { fingerprint } from '#shared/alerts/fingerprint.ts';
import { parseEvent } from '#shared/alerts/intake.ts';

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(`test/fixtures/alerts/${path}`, 'utf8'));

const webhook = fixture('alertmanager/webhook-grouped-firing-3-alerts.json');

/** An SNS event holding one Alertmanager message of `n` alerts. */
function groupedEvent(n: number): unknown {
  const base = webhook as { alerts: Array<{ labels: object }> };
  const first = base.alerts[0];
  const alerts = Array.from({ length: n }, (_, i) => ({
    ...first,
    labels: { ...first?.labels, instance: `10.0.${i >> 8}.${i & 255}` },
  }));
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: {
          Type: 'Notification',
          MessageId: 'bench',
          TopicArn: 'arn:aws:sns:us-east-1:000000000000:alerts',
          Subject: null,
          Message: JSON.stringify({ ...base, alerts }),
          Timestamp: '2026-12-03T00:00:00.000Z',
          MessageAttributes: {},
        },
      },
    ],
  };
}

const events = {
  'alertmanager text (AMP default)': fixture(
    'amp/lambda-sns-event.amp-default-text.kube-crashlooping.constructed.json',
  ),
  'AMP JSON template': fixture(
    'amp/lambda-sns-event.amp-json-template.grouped.constructed.json',
  ),
  'CloudWatch alarm': fixture(
    'cloudwatch/lambda-sns-event.cw-alarm-ALARM-lambda-concurrency.json',
  ),
  'Alertmanager webhook, 100 alerts': groupedEvent(100),
};

describe('intake: parseEvent per SNS event', () => {
  for (const [name, event] of Object.entries(events)) {
    bench(name, () => {
      parseEvent(event);
    });
  }
});

describe('fingerprint', () => {
  const labels = {
    alertname: 'EvalEngineDown',
    namespace: 'tars',
    deployment: 'tars-eval-engine',
    severity: 'critical',
    instance: '10.0.0.30:8099',
  };
  bench('five labels', () => {
    fingerprint(labels);
  });
});
