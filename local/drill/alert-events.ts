import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';

/** The real formats a drill can deliver its alert in. */
export const DRILL_SOURCES = [
  'alertmanager',
  'alertmanager-text',
  'cloudwatch',
] as const;
export type DrillSource = (typeof DRILL_SOURCES)[number];

/** One alert as the monitoring system would describe it. */
export interface DrillAlert {
  name: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  endsAt: Date | null;
}

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:tars-alerts-in';
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The Lambda SNS event a deployed playbook function would receive for
 * `alert` sent in `source`'s format: the same envelope, message attribute
 * and message body the real publishers produce.
 */
export function snsEventFor(alert: DrillAlert, source: DrillSource): SNSEvent {
  const body = MESSAGE_BUILDERS[source](alert);
  const messageId = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: TOPIC,
          Subject: subject(alert),
          Message: body,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'LOCAL',
          SigningCertUrl: 'https://localhost/cert.pem',
          UnsubscribeUrl: 'https://localhost/unsubscribe',
          MessageAttributes:
            source === 'cloudwatch'
              ? {}
              : { alertname: { Type: 'String', Value: alert.name } },
        },
      },
    ],
  };
}

const MESSAGE_BUILDERS: Record<DrillSource, (alert: DrillAlert) => string> = {
  alertmanager: alertmanagerJson,
  'alertmanager-text': alertmanagerText,
  cloudwatch: cloudwatchAlarm,
};

/** Alertmanager's subject, cut at SNS's 100 characters as SNS does. */
function subject(alert: DrillAlert): string {
  const state = alert.status === 'firing' ? 'FIRING' : 'RESOLVED';
  const values = Object.values(alert.labels).join(' ');
  return `[${state}:1] ${alert.name} (${values})`.slice(0, 100);
}

function alertmanagerJson(alert: DrillAlert): string {
  const labels = { alertname: alert.name, ...alert.labels };
  return JSON.stringify({
    receiver: 'tars-oncall-sns',
    status: alert.status,
    alerts: [
      {
        status: alert.status,
        labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt.toISOString(),
        endsAt: alert.endsAt?.toISOString() ?? ZERO_TIME,
        generatorURL: generatorUrl(alert),
      },
    ],
    groupLabels: { alertname: alert.name },
    commonLabels: labels,
    commonAnnotations: alert.annotations,
    externalURL: 'http://alertmanager.monitoring:9093',
    version: '4',
    groupKey: `{}:{alertname="${alert.name}"}`,
    truncatedAlerts: 0,
  });
}

/**
 * Alertmanager's default SNS text, which Amazon Managed Prometheus sends
 * too.
 */
function alertmanagerText(alert: DrillAlert): string {
  const heading =
    alert.status === 'firing' ? 'Alerts Firing:' : 'Alerts Resolved:';
  const pairs = (map: Record<string, string>) =>
    Object.keys(map)
      .sort()
      .map((key) => ` - ${key} = ${map[key]}`);
  return [
    Object.values(alert.annotations).join(' '),
    '',
    heading,
    'Labels:',
    ...pairs({ alertname: alert.name, ...alert.labels }),
    'Annotations:',
    ...pairs(alert.annotations),
    `Source: ${generatorUrl(alert)}`,
    '',
    '',
    '',
  ].join('\n');
}

function cloudwatchAlarm(alert: DrillAlert): string {
  const firing = alert.status === 'firing';
  const at = firing ? alert.startsAt : (alert.endsAt ?? new Date());
  return JSON.stringify({
    AlarmName: alert.name,
    AlarmDescription: alert.annotations.summary ?? null,
    AWSAccountId: '000000000000',
    NewStateValue: firing ? 'ALARM' : 'OK',
    NewStateReason: firing
      ? 'Threshold Crossed: 1 datapoint [0.0] was less than ' +
        'the threshold (1.0).'
      : 'Threshold Crossed: 1 datapoint [2.0] was not less than ' +
        'the threshold (1.0).',
    StateChangeTime: at.toISOString().replace('Z', '+0000'),
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${alert.name}`,
    OldStateValue: firing ? 'OK' : 'ALARM',
    Trigger: {
      MetricName: 'ready_replicas',
      Namespace: 'ContainerInsights',
      StatisticType: 'Statistic',
      Statistic: 'MINIMUM',
      Unit: null,
      Dimensions: Object.entries(alert.labels).map(([name, value]) => ({
        value,
        name,
      })),
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1.0,
      TreatMissingData: 'breaching',
      EvaluateLowSampleCountPercentile: '',
    },
  });
}

function generatorUrl(alert: DrillAlert): string {
  const expr = encodeURIComponent(`up{job="${alert.name}"} == 0`);
  return `http://prometheus.monitoring:9090/graph?g0.expr=${expr}&g0.tab=1`;
}
