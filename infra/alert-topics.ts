import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface AlertTopicsProps {
  readonly key: IKey;
}

/**
 * Where alerts come in. Alertmanager and Amazon Managed Prometheus publish
 * to `alerts` with an `alertname` message attribute (the shipped receiver
 * configuration sets it); CloudWatch alarms publish to `alarms`, routed by
 * the `AlarmName` in the body because alarms cannot set attributes.
 */
export class AlertTopics extends Construct {
  public readonly alerts: ITopic;
  public readonly alarms: ITopic;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);

    this.alerts = this.topic('Alerts', props.key, 'aps.amazonaws.com');
    this.alarms = this.topic('Alarms', props.key, 'cloudwatch.amazonaws.com');
  }

  private topic(id: string, key: IKey, publisher: string): ITopic {
    const topic = new Topic(this, id, { masterKey: key, enforceSSL: true });
    const account = Stack.of(this).account;

    topic.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal(publisher)],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    key.grant(new ServicePrincipal(publisher), 'kms:GenerateDataKey*');
    key.grant(new ServicePrincipal(publisher), 'kms:Decrypt');
    return topic;
  }
}
