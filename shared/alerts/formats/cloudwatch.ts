import { isRecord } from '../normalize.ts';
import type { NormalizedAlert } from '../types.ts';
import { alarmToAlert, regionFromArn } from './alarm.ts';

/** A CloudWatch alarm state change as published to SNS. */
export function isCloudWatchAlarm(body: Record<string, unknown>): boolean {
  return typeof body.AlarmName === 'string' && 'NewStateValue' in body;
}

/**
 * Reads an alarm notification. The name is `AlarmName` (SNS mangles
 * non-ASCII subjects); the region comes from the ARN because `Region` is a
 * display name such as `US West (Oregon)`.
 */
export function readCloudWatchAlarm(
  body: Record<string, unknown>,
): NormalizedAlert {
  const warnings: string[] = [];
  return alarmToAlert({
    source: 'cloudwatch',
    name: body.AlarmName,
    state: body.NewStateValue,
    time: body.StateChangeTime,
    arn: body.AlarmArn,
    region: alarmRegion(body, warnings),
    dimensions: triggerDimensions(body.Trigger, warnings),
    description: body.AlarmDescription,
    reason: body.NewStateReason,
    warnings,
  });
}

function alarmRegion(body: Record<string, unknown>, warnings: string[]) {
  const region = regionFromArn(body.AlarmArn);
  if (region || typeof body.Region !== 'string') return region;

  warnings.push('no region code in the alarm ARN; used the Region field');
  return body.Region;
}

/**
 * `Trigger.Dimensions` of a single-metric alarm, or the dimensions of every
 * metric of a metric-math alarm (`Trigger.Metrics[].MetricStat.Metric`);
 * a dimension with two different values keeps its first one.
 */
function triggerDimensions(trigger: unknown, warnings: string[]) {
  if (!isRecord(trigger)) return [];
  const lists = [trigger.Dimensions];
  if (Array.isArray(trigger.Metrics)) {
    lists.push(...trigger.Metrics.map(metricDimensions));
  }
  return mergeDimensions(lists.flatMap(readDimensionList), warnings);
}

function metricDimensions(metric: unknown): unknown {
  if (!isRecord(metric) || !isRecord(metric.MetricStat)) return undefined;
  const inner = metric.MetricStat.Metric;
  return isRecord(inner) ? inner.Dimensions : undefined;
}

function readDimensionList(list: unknown): Array<[string, string]> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item): Array<[string, string]> => {
    if (!isRecord(item)) return [];
    const name = item.name ?? item.Name;
    const value = item.value ?? item.Value;
    if (typeof name !== 'string' || typeof value !== 'string') return [];
    return [[name, value]];
  });
}

/** Keeps the first value of each dimension name, warning on a conflict. */
export function mergeDimensions(
  pairs: Array<[string, string]>,
  warnings: string[],
): Array<[string, string]> {
  const merged = new Map<string, string>();
  for (const [name, value] of pairs) {
    const seen = merged.get(name);
    if (seen === undefined) merged.set(name, value);
    else if (seen !== value) {
      warnings.push(`dimension ${name} has several values; kept ${seen}`);
    }
  }
  return [...merged];
}
