import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_REJECTED,
  parseEvent,
  toParseOutput,
} from '#shared/alerts/intake.ts';
import { logger } from '#shared/logger.ts';
import { fixtureJson, fixtureText, snsEvent } from './support.ts';

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function alertsOf(event: unknown) {
  return toParseOutput(parseEvent(event)).alerts;
}

const TRUNCATED_WARNING =
  'message was truncated by its sender; alerts after the cut are missing';

describe('Alertmanager default text', () => {
  const text = [
    'common value',
    '',
    'Alerts Firing:',
    'Labels:',
    ' - alertname = TarsEvalEngineDown',
    ' - deployment = tars-eval-engine',
    ' - namespace = tars',
    ' - query = up{job="x"} == 0',
    'Annotations:',
    ' - description = first line',
    'second "line" = quoted',
    '',
    ' - empty = ',
    'Source: http://prometheus/graph',
    '',
    '',
    'Alerts Resolved:',
    'Labels:',
    ' - alertname = TarsDbPoolExhausted',
    ' - namespace = tars',
    ' - service = tars-db',
    'Annotations:',
    'Source: ',
    '',
  ].join('\n');

  it('keeps quotes, equals signs and continuation lines in values', () => {
    // Act
    const [firing] = alertsOf(snsEvent([text]));

    // Assess
    expect(firing?.labels.query).toBe('up{job="x"} == 0');
    expect(firing?.annotations).toEqual({
      description: 'first line\nsecond "line" = quoted\n',
      empty: '',
    });
    expect(firing?.dedupKey).toBe('TarsEvalEngineDown/tars/tars-eval-engine');
  });

  it('gives each block its own status', () => {
    // Act
    const alerts = alertsOf(snsEvent([text]));

    // Assess
    expect(alerts.map((alert) => [alert.name, alert.status])).toEqual([
      ['TarsEvalEngineDown', 'firing'],
      ['TarsDbPoolExhausted', 'resolved'],
    ]);
    expect(alerts[1]?.dedupKey).toBe('TarsDbPoolExhausted/tars/tars-db');
  });

  it('reads a truncated message up to its last complete alert', () => {
    // Prepare
    const full = fixtureText('amp/sns-default-message.grouped-3-firing.txt');
    const cut = full.slice(0, full.indexOf('10.0.0.66') + 4);
    const attributes = { truncated: { Type: 'String', Value: 'TRUE' } };

    // Act
    const alerts = alertsOf(snsEvent([cut], { attributes }));

    // Assess
    expect(alerts.map((alert) => alert.labels.instance)).toEqual([
      '10.0.0.30',
      '10.0.0.50',
    ]);
    for (const alert of alerts) {
      expect(alert.warnings).toEqual([TRUNCATED_WARNING]);
    }
  });
});

describe('AMP template JSON', () => {
  const event = fixtureJson(
    'amp/lambda-sns-event.amp-json-template.grouped.constructed.json',
  ) as { Records: Array<{ Sns: { Message: string } }> };
  const message = event.Records[0]?.Sns.Message ?? '';

  it('repairs a value holding unescaped quotes and a backslash', () => {
    // Prepare: what the template renders for such an annotation.
    const broken = message.replace(
      '10.0.0.30 does not reply to ICMP pings',
      'host "10.0.0.30", path C:\\temp: {down}',
    );

    // Act
    const alerts = alertsOf(snsEvent([broken]));

    // Assess
    expect(alerts).toHaveLength(3);
    expect(alerts[0]?.annotations.description).toBe(
      'host "10.0.0.30", path C:\\temp: {down}',
    );
    expect(alerts[0]?.warnings).toEqual([
      'unescaped characters in the JSON were repaired',
    ]);
    expect(alerts[0]?.fingerprint).toBe('d6ea1d556c99acfc');
  });

  it('reads the complete alerts of a message cut short', () => {
    // Prepare
    const cut = message.slice(0, message.indexOf('10.0.0.66'));
    const attributes = { truncated: { Type: 'String', Value: 'true' } };

    // Act
    const alerts = alertsOf(snsEvent([cut], { attributes }));

    // Assess
    expect(alerts.map((alert) => alert.fingerprint)).toEqual([
      'd6ea1d556c99acfc',
      'c03a545b96242ff0',
    ]);
    expect(alerts[0]?.source).toBe('amp-template');
    expect(alerts[0]?.warnings).toEqual([
      'message is not valid JSON; only its complete alerts were read',
      TRUNCATED_WARNING,
    ]);
  });
});

describe('Alertmanager webhook JSON', () => {
  it('reads a resolved and a firing alert of one group each as itself', () => {
    // Prepare
    const body = {
      version: '4',
      status: 'firing',
      alerts: [
        { status: 'resolved', labels: { alertname: 'A' } },
        { status: 'firing', labels: { alertname: 'B' }, fingerprint: 'bad' },
      ],
    };

    // Act
    const alerts = alertsOf(snsEvent([JSON.stringify(body)]));

    // Assess
    expect(alerts.map((alert) => alert.status)).toEqual(['resolved', 'firing']);
    expect(alerts[1]?.warnings).toEqual([
      'fingerprint is not 16 hex digits; computed from labels',
    ]);
  });

  it('rejects an alert without a name and keeps its neighbours', () => {
    // Prepare
    const body = {
      version: '4',
      alerts: [
        { status: 'firing', labels: {} },
        { labels: { alertname: 'B' } },
      ],
    };

    // Act
    const result = parseEvent(snsEvent([JSON.stringify(body)]));

    // Assess
    expect(result.delivered.map((d) => d.alert.name)).toEqual(['B']);
    expect(result.rejected).toEqual([
      expect.objectContaining({
        reason: 'alert 0: no alertname label',
        record: 0,
        messageId: 'msg-0',
      }),
    ]);
  });
});

describe('CloudWatch alarms', () => {
  it('labels a metric-math alarm with the dimensions of its metrics', () => {
    // Prepare
    const alarm = {
      AlarmName: 'tars 5xx ratio',
      NewStateValue: 'INSUFFICIENT_DATA',
      StateChangeTime: '2024-03-01T10:00:00.000+0000',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:tars',
      Trigger: {
        Metrics: [
          { Id: 'e1', Expression: 'm1/m2', ReturnData: true },
          metric('m1', 'tars-api'),
          metric('m2', 'tars-api'),
        ],
      },
    };

    // Act
    const [alert] = alertsOf(snsEvent([JSON.stringify(alarm)]));

    // Assess
    expect(alert).toMatchObject({
      source: 'cloudwatch',
      name: 'tars 5xx ratio',
      status: 'unknown',
      startsAt: '2024-03-01T10:00:00.000Z',
      labels: {
        alertname: 'tars 5xx ratio',
        alarm_arn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:tars',
        region: 'eu-west-1',
        LoadBalancer: 'tars-api',
      },
      warnings: [],
    });
  });

  it('reads an alarm that invokes the function directly', () => {
    // Prepare
    const event = {
      source: 'aws.cloudwatch',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:tars-mem',
      accountId: '123456789012',
      time: '2024-03-01T10:00:05.000+0000',
      region: 'us-east-1',
      alarmData: {
        alarmName: 'tars-mem',
        state: {
          value: 'ALARM',
          reason: 'Threshold Crossed',
          timestamp: '2024-03-01T10:00:00.120+0000',
        },
        previousState: { value: 'OK' },
        configuration: {
          description: 'memory high',
          metrics: [
            {
              id: 'm1',
              metricStat: {
                metric: {
                  namespace: 'ContainerInsights',
                  name: 'pod_memory_utilization',
                  dimensions: { Namespace: 'tars', PodName: 'eval' },
                },
              },
            },
          ],
        },
      },
    };

    // Act
    const alerts = alertsOf(event);

    // Assess: checked with an independent FNV-1a script.
    expect(alerts).toEqual([
      {
        source: 'cloudwatch-direct',
        name: 'tars-mem',
        status: 'firing',
        severity: null,
        labels: {
          alertname: 'tars-mem',
          alarm_arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:tars-mem',
          region: 'us-east-1',
          Namespace: 'tars',
          PodName: 'eval',
        },
        annotations: {
          description: 'memory high',
          reason: 'Threshold Crossed',
        },
        startsAt: '2024-03-01T10:00:00.120Z',
        endsAt: null,
        fingerprint: '041742767caf23a9',
        dedupKey: 'tars-mem/-/-',
        warnings: [],
      },
    ]);
  });
});

function metric(id: string, loadBalancer: string) {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Dimensions: [{ value: loadBalancer, name: 'LoadBalancer' }],
        MetricName: 'HTTPCode_Target_5XX_Count',
        Namespace: 'AWS/ApplicationELB',
      },
    },
    ReturnData: false,
  };
}

describe('manual alerts and envelopes', () => {
  const manual = {
    alertname: 'TarsEvalEngineDown',
    labels: { namespace: 'tars', deployment: 'tars-eval-engine' },
    annotations: { note: 'by hand' },
  };

  it('reads a manual alert as firing unless told otherwise', () => {
    // Act
    const alerts = alertsOf(manual);

    // Assess: checked with an independent FNV-1a script.
    expect(alerts).toEqual([
      {
        source: 'manual',
        name: 'TarsEvalEngineDown',
        status: 'firing',
        severity: null,
        labels: {
          alertname: 'TarsEvalEngineDown',
          namespace: 'tars',
          deployment: 'tars-eval-engine',
        },
        annotations: { note: 'by hand' },
        startsAt: null,
        endsAt: null,
        fingerprint: '848793afa0fe0c8c',
        dedupKey: 'TarsEvalEngineDown/tars/tars-eval-engine',
        warnings: [],
      },
    ]);
    expect(alertsOf({ ...manual, status: 'resolved' })[0]?.status).toBe(
      'resolved',
    );
  });

  it('unwraps an SQS event whose bodies are SNS notifications or raw', () => {
    // Prepare
    const notification = {
      Type: 'Notification',
      MessageId: 'sns-1',
      Message: JSON.stringify(manual),
      Timestamp: '2024-03-01T10:00:00.000Z',
    };
    const event = {
      Records: [
        { messageId: 'sqs-1', body: JSON.stringify(notification) },
        {
          messageId: 'sqs-2',
          body: JSON.stringify(manual),
          attributes: { SentTimestamp: '1709287200000' },
        },
        { messageId: 'sqs-3', body: 'not an alert' },
      ],
    };

    // Act
    const result = parseEvent(event);

    // Assess
    expect(result.delivered.map(({ alert, ...d }) => d)).toEqual([
      { messageId: 'sns-1', record: 0, receivedAt: '2024-03-01T10:00:00.000Z' },
      { messageId: 'sqs-2', record: 1, receivedAt: '2024-03-01T10:00:00.000Z' },
    ]);
    expect(result.rejected).toEqual([
      {
        reason: 'message is neither JSON nor the Alertmanager text format',
        record: 2,
        messageId: 'sqs-3',
        excerpt: 'not an alert',
      },
    ]);
  });

  it('reads a bare SNS notification', () => {
    // Prepare
    const notification = {
      Type: 'Notification',
      MessageId: 'sns-9',
      Message: JSON.stringify(manual),
    };

    // Act
    const { delivered } = parseEvent(notification);

    // Assess
    expect(delivered[0]?.messageId).toBe('sns-9');
    expect(delivered[0]?.alert.name).toBe('TarsEvalEngineDown');
  });

  it('rejects a record that is neither SNS nor SQS', () => {
    // Act
    const { rejected } = parseEvent({ Records: [{ eventSource: 'aws:s3' }] });

    // Assess
    expect(rejected).toEqual([
      {
        reason: 'record is neither SNS nor SQS',
        record: 0,
        excerpt: '{"eventSource":"aws:s3"}',
      },
    ]);
  });

  it('cuts a rejected excerpt to 2 KB', () => {
    // Act
    const { rejected } = parseEvent(snsEvent(['é'.repeat(3000)]));

    // Assess
    expect(rejected[0]?.excerpt).toBe('é'.repeat(1024));
  });

  it('keeps 100 rejections and says how many more were dropped', () => {
    // Prepare
    const event = snsEvent(Array.from({ length: 130 }, () => 'noise'));

    // Act
    const { rejected } = parseEvent(event);

    // Assess
    expect(rejected).toHaveLength(MAX_REJECTED);
    expect(rejected[99]?.reason).toBe(
      'message is neither JSON nor the Alertmanager text format ' +
        '(30 more rejected entries dropped)',
    );
    expect(logger.warn).toHaveBeenCalledTimes(MAX_REJECTED);
  });
});
