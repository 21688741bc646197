import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { CATALOG, type CatalogEntry } from '#shared/playbook/catalog.ts';
import { AlertTopics } from './alert-topics.ts';
import { IncidentTable } from './incident-table.ts';
import { NotificationTopics } from './notification-topics.ts';
import { PlaybookFunction } from './playbook-function.ts';

export interface TarsOncallStackProps extends StackProps {
  /**
   * Deploy with every action planned, not performed (default: true, so a
   * first deployment watches before it touches the cluster).
   */
  readonly dryRun?: boolean;
  /** Catalog entries to deploy; defaults to those with a handler. */
  readonly entries?: readonly CatalogEntry[];
}

/**
 * The on-call automation: alert topics in, one function per playbook,
 * the incident table, channel and tier topics, and alarms on its own
 * failures. Functions are generated from the playbook catalog.
 */
export class TarsOncallStack extends Stack {
  public readonly functions: readonly PlaybookFunction[];

  constructor(scope: Construct, id: string, props: TarsOncallStackProps = {}) {
    super(scope, id, props);
    const key = new Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Encrypts the on-call automation topics and queues',
    });
    const table = new IncidentTable(this, 'Incidents').table;
    const alertTopics = new AlertTopics(this, 'AlertTopics', { key });
    const notify = new NotificationTopics(this, 'Notify', { key });
    const environment = {
      TABLE_NAME: table.tableName,
      DRY_RUN: String(props.dryRun ?? true),
      ...notify.environment(),
    };

    this.functions = (props.entries ?? deployable()).map(
      (entry) =>
        new PlaybookFunction(this, pascal(entry.playbook), {
          entry,
          handlerPath: handlerPath(entry),
          table,
          alerts: alertTopics.alerts,
          alarms: alertTopics.alarms,
          notifyTopics: notify.all(),
          key,
          environment,
        }),
    );
    this.alarmOnFailures(notify.channels['tars-oncall']);
  }

  /** Failed deliveries and function errors page nobody but tell on-call. */
  private alarmOnFailures(
    topic: NotificationTopics['channels']['tars-oncall'],
  ) {
    const action = new SnsAction(topic);
    for (const pf of this.functions) {
      const alarms = [
        new Alarm(pf, 'DeadLettersAlarm', {
          metric: pf.deadLetters.metricApproximateNumberOfMessagesVisible(),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator:
            ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        }),
        new Alarm(pf, 'PageFailedAlarm', {
          alarmDescription: 'An escalation paged nobody',
          metric: new Metric({
            namespace: 'TARS/OnCall',
            metricName: 'PageFailed',
            dimensionsMap: { service: 'tars-oncall', playbook: pf.playbook },
            statistic: 'Sum',
            period: Duration.minutes(1),
          }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator:
            ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        }),
        new Alarm(pf, 'ErrorsAlarm', {
          metric: pf.fn.metricErrors({ period: Duration.minutes(5) }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator:
            ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        }),
      ];
      for (const alarm of alarms) alarm.addAlarmAction(action);
    }
  }
}

/** Catalog entries whose function folder has a handler. */
export function deployable(): CatalogEntry[] {
  return CATALOG.filter((entry) => existsSync(handlerPath(entry)));
}

function handlerPath(entry: CatalogEntry): string {
  const url = new URL(
    `../functions/${entry.functionDir}/handler.ts`,
    import.meta.url,
  );
  return fileURLToPath(url);
}

function pascal(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
