import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { TABLE_KEYS } from '#shared/incidents/table.ts';

// Bundling is skipped: the template, not the asset, is under test here.
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

describe('the TarsOncall stack', () => {
  let template: Template;
  let messages: string[];

  beforeAll(() => {
    const { app, stack } = buildApp(NO_BUNDLING);
    const assembly = app.synth();
    messages = assembly
      .getStackArtifact(stack.artifactId)
      .messages.map((m) => `${m.level} ${m.id} ${String(m.entry.data)}`);
    template = Template.fromStack(stack);
  });

  it('synthesizes with no cdk-nag errors or warnings', () => {
    expect(messages.filter((m) => /^(error|warning)/.test(m))).toEqual([]);
  });

  it('keys the incident table as the store expects', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: {
        AttributeName: TABLE_KEYS.ttlAttribute,
        Enabled: true,
      },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: TABLE_KEYS.gsi1.name }),
      ],
    });
  });

  it('runs the EvalEngineDown playbook on Node 24, dry-run by default', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({
          DRY_RUN: 'true',
          POWERTOOLS_SERVICE_NAME: 'eval-engine-down',
        }),
      },
    });
  });

  it('routes alerts by the alertname attribute and alarms by AlarmName', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      FilterPolicy: { alertname: ['EvalEngineDown'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { AlarmName: ['EvalEngineDown'] },
    });
  });

  it('gives every topic a KMS key and every function a dead-letter queue', () => {
    const topics = template.findResources('AWS::SNS::Topic');
    for (const topic of Object.values(topics)) {
      expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
  });

  it('alarms to the on-call channel when an escalation pages nobody', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PageFailed',
      Namespace: 'TARS/OnCall',
      Dimensions: Match.arrayWith([
        { Name: 'playbook', Value: 'eval-engine-down' },
      ]),
      AlarmActions: [Match.anyValue()],
    });
  });

  it('acts when dry-run is switched off by context', () => {
    const { stack } = buildApp({ ...NO_BUNDLING, dryRun: 'false' });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ DRY_RUN: 'false' }),
      },
    });
  });
});
