import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseEvent, toParseOutput } from '#shared/alerts/intake.ts';
import type { NormalizedAlert } from '#shared/alerts/types.ts';
import { logger } from '#shared/logger.ts';
import { fixtureJson, fixtureText, snsEvent } from './support.ts';

// Every expected object below was written by hand from the fixture files;
// computed fingerprints were checked with an independent FNV-1a script and
// against the fingerprints the fixtures themselves carry.

function icmpAlert(
  source: NormalizedAlert['source'],
  host: string,
  fingerprint: string,
): NormalizedAlert {
  const timed = source !== 'alertmanager-text';
  return {
    source,
    name: 'ICMP ping failed',
    status: 'firing',
    severity: 'major',
    labels: {
      alertname: 'ICMP ping failed',
      instance: host,
      job: 'blackbox-icmp',
      monitor: 'monis',
      severity: 'major',
      tags: 'icmp, ping failed',
      summary: `No physical connection to ${host}`,
    },
    annotations: { description: `${host} does not reply to ICMP pings` },
    startsAt: timed ? '2019-09-27T16:27:56.612Z' : null,
    endsAt: null,
    fingerprint,
    dedupKey: 'ICMP ping failed/-/blackbox-icmp',
    warnings: [],
  };
}

function icmpAlerts(source: NormalizedAlert['source']): NormalizedAlert[] {
  return [
    icmpAlert(source, '10.0.0.30', 'd6ea1d556c99acfc'),
    icmpAlert(source, '10.0.0.50', 'c03a545b96242ff0'),
    icmpAlert(source, '10.0.0.66', '0900e445744083b6'),
  ];
}

function crashLooping(
  source: NormalizedAlert['source'],
  status: NormalizedAlert['status'],
  startsAt: string | null,
  endsAt: string | null,
): NormalizedAlert {
  return {
    source,
    name: 'KubePodCrashLooping',
    status,
    severity: 'warning',
    labels: {
      alertname: 'KubePodCrashLooping',
      container: 'traefik',
      endpoint: 'http',
      instance: '10.0.8.166:8080',
      job: 'kube-state-metrics',
      namespace: 'traefik',
      pod: 'traefik-sz7b4',
      prometheus: 'kube-prometheus-stack/kube-prometheus-stack-prometheus',
      reason: 'CrashLoopBackOff',
      service: 'kube-prometheus-stack-kube-state-metrics',
      severity: 'warning',
      uid: '002394e1-d1f6-42fd-b4c8-3a6c078afba5',
    },
    annotations: {
      description:
        'Pod traefik/traefik-sz7b4 (traefik) is in waiting state (reason: ' +
        '"CrashLoopBackOff") on cluster .',
      runbook_url:
        'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
      summary: 'Pod is crash looping.',
    },
    startsAt,
    endsAt,
    fingerprint: 'bb509fb16298dbf2',
    dedupKey:
      'KubePodCrashLooping/traefik/kube-prometheus-stack-kube-state-metrics',
    warnings: [],
  };
}

const deploymentMismatch: NormalizedAlert = {
  source: 'alertmanager',
  name: 'Deployment',
  status: 'resolved',
  severity: 'Warning',
  labels: {
    alertname: 'Deployment',
    app_kubernetes_io_instance: 'example-common-base',
    app_kubernetes_io_managed_by: 'Helm',
    app_kubernetes_io_name: 'example-kube-state-metrics',
    app_kubernetes_io_version: '2.1.0_10',
    chart: 'example-kube-state-metrics-2.1.0_10',
    deployment: 'example-log-transformer',
    instance: '10.0.69.53:8080',
    job: 'example-kube-state-metrics',
    kubernetes_name: 'example-kube-state-metrics',
    kubernetes_namespace: 'example-ns',
    namespace: 'example-ns',
    severity: 'Warning',
  },
  annotations: {
    description: 'Deployment Replicas mismatch, desired value does not match..',
    summary: 'Kubernetes Deployment Replicas Mismatch',
  },
  startsAt: '2022-07-29T11:13:27.300Z',
  endsAt: '2022-07-29T11:17:27.300Z',
  fingerprint: '494fb4b85f2c89d7',
  dedupKey: 'Deployment/example-ns/example-log-transformer',
  warnings: [],
};

const ecsCpuOk: NormalizedAlert = {
  source: 'cloudwatch',
  name: 'example-cpu-alarm-test',
  status: 'resolved',
  severity: null,
  labels: {
    alertname: 'example-cpu-alarm-test',
    alarm_arn:
      'arn:aws:cloudwatch:us-west-2:123456789012:alarm:example-cpu-alarm-test',
    region: 'us-west-2',
    ServiceName: 'identity-api-dev',
    ClusterName: 'identity-api-dev',
  },
  annotations: {
    description: 'Testing for the Alarms processing Lambda',
    reason:
      'Threshold Crossed: 1 out of the last 1 datapoints ' +
      '[0.05164275070031484 (18/10/22 20:13:00)] was not greater than the ' +
      'threshold (0.059) (minimum 1 datapoint for ALARM -> OK transition).',
  },
  startsAt: null,
  endsAt: '2022-10-18T20:15:10.941Z',
  fingerprint: '15e98ad164dda5e3',
  dedupKey: 'example-cpu-alarm-test/-/-',
  warnings: [],
};

const lambdaConcurrency: NormalizedAlert = {
  source: 'cloudwatch',
  name: 'Test alarm',
  status: 'firing',
  severity: null,
  labels: {
    alertname: 'Test alarm',
    alarm_arn: 'arn:aws:cloudwatch:ca-central-1:123456789012:alarm:Test alarm',
    region: 'ca-central-1',
  },
  annotations: {
    reason:
      'Threshold Crossed: 1 out of the last 1 datapoints [6.0 (25/09/22 ' +
      '18:49:00)] was greater than the threshold (5.0) (minimum 1 ' +
      'datapoint for OK -> ALARM transition).',
  },
  startsAt: '2022-09-25T18:50:37.811Z',
  endsAt: null,
  fingerprint: '075c03919fe204fa',
  dedupKey: 'Test alarm/-/-',
  warnings: [],
};

const awsExampleAlarm: NormalizedAlert = {
  source: 'cloudwatch',
  name: 'EXAMPLE',
  status: 'firing',
  severity: null,
  labels: {
    alertname: 'EXAMPLE',
    alarm_arn: 'arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE',
    // The ARN's placeholder is no region code, so the Region field is used.
    region: 'EXAMPLE',
    InstanceId: 'TestInstance',
  },
  annotations: {
    description: 'EXAMPLE',
    reason:
      'Threshold Crossed: 1 out of the last 1 datapoints [1234.0 (06/03/15 ' +
      '17:43:27)] was greater than the threshold (0.0) (minimum 1 ' +
      'datapoint for OK -> ALARM transition).',
  },
  startsAt: '2015-06-03T17:43:27.123Z',
  endsAt: null,
  fingerprint: '93c3ff093bdb74bc',
  dedupKey: 'EXAMPLE/-/-',
  warnings: ['no region code in the alarm ARN; used the Region field'],
};

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fixture events delivered by SNS', () => {
  it.each([
    [
      'amp/lambda-sns-event.amp-default-text.kube-crashlooping.constructed.json',
      [crashLooping('alertmanager-text', 'firing', null, null)],
    ],
    [
      'amp/lambda-sns-event.amp-json-template.grouped.constructed.json',
      icmpAlerts('amp-template'),
    ],
    [
      'cloudwatch/lambda-sns-event.cw-alarm-ALARM-lambda-concurrency.json',
      [lambdaConcurrency],
    ],
    [
      'cloudwatch/lambda-sns-event.cw-alarm-ALARM-single-metric.aws-example.json',
      [awsExampleAlarm],
    ],
  ])('reads %s', (path, expected) => {
    // Act
    const output = toParseOutput(parseEvent(fixtureJson(path)));

    // Assess
    expect(output).toEqual({ alerts: expected, rejected: [] });
  });

  it('keeps the delivery of each alert', () => {
    // Prepare
    const event = fixtureJson(
      'amp/lambda-sns-event.amp-json-template.grouped.constructed.json',
    );

    // Act
    const { delivered } = parseEvent(event);

    // Assess
    expect(delivered.map(({ alert, ...delivery }) => delivery)).toEqual(
      Array.from({ length: 3 }, () => ({
        messageId: '5f2b6c1e-8d3a-5e4f-9a7b-1c2d3e4f5a6b',
        record: 0,
        receivedAt: '2026-05-23T07:55:10.601Z',
      })),
    );
  });

  it('rejects the plain-text SNS sample with its message id', () => {
    // Act
    const output = toParseOutput(
      parseEvent(fixtureJson('sns/lambda-sns-event-aws-docs-sample.json')),
    );

    // Assess
    expect(output).toEqual({
      alerts: [],
      rejected: [
        {
          reason: 'message is neither JSON nor the Alertmanager text format',
          record: 0,
          messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          excerpt: 'Hello from SNS!',
        },
      ],
    });
    expect(logger.warn).toHaveBeenCalledWith('alert record rejected', {
      record: 0,
      message_id: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      reason: 'message is neither JSON nor the Alertmanager text format',
    });
  });

  it('rejects JSON that is no alert, with a null subject and no attributes', () => {
    // Act
    const output = toParseOutput(
      parseEvent(
        fixtureJson('sns/lambda-sns-event-subject-null-empty-attributes.json'),
      ),
    );

    // Assess
    expect(output).toEqual({
      alerts: [],
      rejected: [
        {
          reason:
            'JSON message is not an Alertmanager webhook, CloudWatch alarm or manual alert',
          record: 0,
          messageId: '614a0b34-bbbb-ffff-cccc-58ffddd9745f',
          excerpt: '{"some": "message", "someOther": "value"}',
        },
      ],
    });
  });
});

describe('fixture messages wrapped into SNS events', () => {
  it.each([
    [
      'alertmanager/webhook-grouped-firing-3-alerts.json',
      icmpAlerts('alertmanager'),
    ],
    [
      'alertmanager/webhook-kube-prometheus-crashlooping-firing.reconstructed.json',
      [
        crashLooping(
          'alertmanager',
          'firing',
          '2026-05-23T07:54:10.560Z',
          null,
        ),
      ],
    ],
    [
      'alertmanager/webhook-kube-prometheus-crashlooping-resolved.reconstructed.json',
      [
        crashLooping(
          'alertmanager',
          'resolved',
          '2026-05-23T07:54:10.560Z',
          '2026-05-23T08:19:10.560Z',
        ),
      ],
    ],
    [
      'alertmanager/webhook-resolved-single-with-fingerprint.json',
      [deploymentMismatch],
    ],
    ['cloudwatch/cw-alarm-message.OK-ecs-two-dimensions.json', [ecsCpuOk]],
  ])('reads %s', (path, expected) => {
    // Prepare
    const event = snsEvent([fixtureText(path)]);

    // Act
    const output = toParseOutput(parseEvent(event));

    // Assess
    expect(output).toEqual({ alerts: expected, rejected: [] });
  });

  it('reads the default text by its body, never its cut subject', () => {
    // Prepare
    const subject = fixtureText('amp/sns-default-subject.grouped-3-firing.txt');
    const message = fixtureText('amp/sns-default-message.grouped-3-firing.txt');

    // Act
    const output = toParseOutput(parseEvent(snsEvent([message], { subject })));

    // Assess
    expect(output).toEqual({
      alerts: icmpAlerts('alertmanager-text'),
      rejected: [],
    });
  });

  it('gives the same alert the same fingerprint in text and JSON', () => {
    // Prepare
    const text = fixtureText('amp/sns-default-message.grouped-3-firing.txt');
    const json = fixtureText(
      'alertmanager/webhook-grouped-firing-3-alerts.json',
    );

    // Act
    const { alerts } = toParseOutput(parseEvent(snsEvent([text, json])));

    // Assess
    const prints = alerts.map((alert) => alert.fingerprint);
    expect(prints.slice(0, 3)).toEqual(prints.slice(3));
  });
});
