import { isRecord } from '../normalize.ts';
import type { NormalizedAlert } from '../types.ts';
import { alarmToAlert, regionFromArn } from './alarm.ts';
import { mergeDimensions } from './cloudwatch.ts';

/** The event of a CloudWatch alarm whose action invokes Lambda directly. */
export function isDirectAlarm(body: Record<string, unknown>): boolean {
  return body.source === 'aws.cloudwatch' && isRecord(body.alarmData);
}

/**
 * Reads a direct alarm event: `alarmData.state` holds the new state, its
 * reason and time; the dimensions are a map per metric under
 * `alarmData.configuration.metrics[].metricStat.metric.dimensions`.
 */
export function readDirectAlarm(
  body: Record<string, unknown>,
): NormalizedAlert {
  const warnings: string[] = [];
  const data = isRecord(body.alarmData) ? body.alarmData : {};
  const state = isRecord(data.state) ? data.state : {};
  const configuration = isRecord(data.configuration) ? data.configuration : {};
  const region =
    typeof body.region === 'string'
      ? body.region
      : regionFromArn(body.alarmArn);

  return alarmToAlert({
    source: 'cloudwatch-direct',
    name: data.alarmName,
    state: state.value,
    time: state.timestamp ?? body.time,
    arn: body.alarmArn,
    region,
    dimensions: configDimensions(configuration.metrics, warnings),
    description: configuration.description,
    reason: state.reason,
    warnings,
  });
}

function configDimensions(metrics: unknown, warnings: string[]) {
  if (!Array.isArray(metrics)) return [];
  const pairs = metrics.flatMap((metric): Array<[string, string]> => {
    const map = dimensionMap(metric);
    return Object.entries(map).flatMap(([key, value]) =>
      typeof value === 'string' ? [[key, value] as [string, string]] : [],
    );
  });
  return mergeDimensions(pairs, warnings);
}

function dimensionMap(metric: unknown): Record<string, unknown> {
  if (!isRecord(metric) || !isRecord(metric.metricStat)) return {};
  const inner = metric.metricStat.metric;
  if (!isRecord(inner) || !isRecord(inner.dimensions)) return {};
  return inner.dimensions;
}
