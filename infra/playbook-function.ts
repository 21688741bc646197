import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  FilterOrPolicy,
  type ITopic,
  SubscriptionFilter,
} from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alertNames, type CatalogEntry } from '#shared/playbook/catalog.ts';

export interface PlaybookFunctionProps {
  readonly entry: CatalogEntry;
  /** Absolute path of the function's `handler.ts`. */
  readonly handlerPath: string;
  readonly table: ITableV2;
  readonly alerts: ITopic;
  readonly alarms: ITopic;
  readonly notifyTopics: readonly ITopic[];
  readonly key: IKey;
  readonly environment: Record<string, string>;
}

/**
 * One playbook's Lambda function, subscribed to the alert topics with a
 * filter on its alert names, with its own dead-letter queue for deliveries
 * that fail after SNS's retries.
 */
export class PlaybookFunction extends Construct {
  /** The playbook's name, the `playbook` dimension of its metrics. */
  public readonly playbook: string;
  public readonly fn: NodejsFunction;
  public readonly deadLetters: IQueue;

  constructor(scope: Construct, id: string, props: PlaybookFunctionProps) {
    super(scope, id);
    this.playbook = props.entry.playbook;
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.fn = this.function(props);
    this.subscribe(props);
    this.grant(props);
  }

  private function(props: PlaybookFunctionProps): NodejsFunction {
    const { entry } = props;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
    });

    return new NodejsFunction(this, 'Function', {
      entry: props.handlerPath,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // A playbook waits at most four minutes for a rollout; ten leaves
      // room to diagnose before and to escalate after. A run that still
      // dies is taken over by the delivery's retry once its lease ends.
      timeout: Duration.minutes(10),
      memorySize: 512,
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      deadLetterQueue: this.deadLetters,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: entry.playbook,
        POWERTOOLS_METRICS_NAMESPACE: 'TARS/OnCall',
      },
      bundling: bundling(),
    });
  }

  private subscribe(props: PlaybookFunctionProps): void {
    const names = alertNames([props.entry]);
    const dlq = this.deadLetters;

    props.alerts.addSubscription(
      new LambdaSubscription(this.fn, {
        deadLetterQueue: dlq,
        filterPolicy: {
          alertname: SubscriptionFilter.stringFilter({
            allowlist: names,
          }),
        },
      }),
    );
    props.alarms.addSubscription(
      new LambdaSubscription(this.fn, {
        deadLetterQueue: dlq,
        filterPolicyWithMessageBody: {
          AlarmName: FilterOrPolicy.filter(
            SubscriptionFilter.stringFilter({ allowlist: names }),
          ),
        },
      }),
    );
  }

  private acknowledge(): void {
    for (const finding of ACKNOWLEDGED) {
      Validations.of(this).acknowledge(finding);
    }
  }

  private grant(props: PlaybookFunctionProps): void {
    props.table.grantReadWriteData(this.fn);
    for (const topic of props.notifyTopics) topic.grantPublish(this.fn);
    // Publishing to an encrypted topic needs a data key, nothing more.
    props.key.grant(this.fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.acknowledge();
  }
}

/** Findings reviewed for every playbook function, with the reason. */
const ACKNOWLEDGED = [
  {
    id:
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/' +
      'service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The basic execution policy only lets the function write its own logs.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments and PutTelemetryRecords take no resource.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::<IncidentsTable7D5FD327.Arn>/index/*]',
    reason: 'The table has one index (gsi1) and the store queries it.',
  },
  {
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason: 'Topic.grantPublish asks for data keys of the topics key only.',
  },
  {
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'This queue is itself the dead-letter queue of the function.',
  },
] as const;

/** ESM bundles for Node 24, as TOOLCHAIN.md found to work. */
function bundling() {
  return {
    format: OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourceMap: true,
    // undici (through client-node) calls require() for node built-ins;
    // an ESM bundle has no require unless we define one.
    banner:
      "import { createRequire } from 'node:module';" +
      'const require = createRequire(import.meta.url);',
  };
}
