import { RecordRejectedError } from '../errors.ts';
import { finishAlert, readStatus, readTime } from '../normalize.ts';
import type { AlertSource, NormalizedAlert } from '../types.ts';

/** What the two CloudWatch alarm shapes have in common. */
export interface AlarmFacts {
  source: Extract<AlertSource, 'cloudwatch' | 'cloudwatch-direct'>;
  name: unknown;
  state: unknown;
  time: unknown;
  arn: unknown;
  region: string | null;
  dimensions: Array<[string, string]>;
  description: unknown;
  reason: unknown;
  warnings: string[];
}

/** An AWS region code, e.g. `us-west-2` or `us-gov-east-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Turns an alarm into an alert: `ALARM` fires, `OK` resolves and
 * `INSUFFICIENT_DATA` is unknown. Labels are the metric dimensions plus
 * `alertname`, `alarm_arn` and `region`, so the computed fingerprint is the
 * same for every state change of one alarm.
 */
export function alarmToAlert(facts: AlarmFacts): NormalizedAlert {
  const { name, warnings } = facts;
  if (typeof name !== 'string' || name === '') {
    throw new RecordRejectedError('alarm has no name');
  }
  const status = readStatus(facts.state, warnings);
  const time = readTime(facts.time, 'state change time', warnings);

  return finishAlert({
    source: facts.source,
    name,
    status,
    labels: alarmLabels(facts, name),
    annotations: alarmAnnotations(facts),
    startsAt: status === 'resolved' ? null : time,
    endsAt: status === 'resolved' ? time : null,
    warnings,
  });
}

/** The region segment of an alarm ARN, when it is a region code. */
export function regionFromArn(arn: unknown): string | null {
  if (typeof arn !== 'string') return null;
  const region = arn.split(':')[3] ?? '';
  return REGION.test(region) ? region : null;
}

function alarmLabels(facts: AlarmFacts, name: string) {
  const own: Array<[string, string]> = [['alertname', name]];
  if (typeof facts.arn === 'string') own.push(['alarm_arn', facts.arn]);
  else facts.warnings.push('alarm has no ARN; no alarm_arn label');
  if (facts.region) own.push(['region', facts.region]);
  else facts.warnings.push('alarm region unknown; no region label');

  const taken = new Set(own.map(([key]) => key));
  for (const [key] of facts.dimensions.filter(([key]) => taken.has(key))) {
    facts.warnings.push(`dimension ${key} shadowed by the alarm's own label`);
  }
  const dimensions = facts.dimensions.filter(([key]) => !taken.has(key));
  return Object.fromEntries([...dimensions, ...own]);
}

function alarmAnnotations(facts: AlarmFacts): Record<string, string> {
  const entries: Array<[string, string]> = [];
  if (typeof facts.description === 'string' && facts.description !== '') {
    entries.push(['description', facts.description]);
  }
  if (typeof facts.reason === 'string' && facts.reason !== '') {
    entries.push(['reason', facts.reason]);
  }
  return Object.fromEntries(entries);
}
