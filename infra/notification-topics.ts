import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CHANNELS, type Channel, TIERS } from '#shared/playbook/catalog.ts';

export interface NotificationTopicsProps {
  readonly key: IKey;
}

/**
 * Where people hear from the automation: one topic per channel
 * (`tars-critical`, `tars-alerts`, `tars-oncall`) and one per on-call tier.
 * PagerDuty, e-mail and chat subscribe to them outside this stack.
 */
export class NotificationTopics extends Construct {
  public readonly channels: Readonly<Record<Channel, ITopic>>;
  public readonly tiers: readonly ITopic[];

  constructor(scope: Construct, id: string, props: NotificationTopicsProps) {
    super(scope, id);
    const topic = (name: string): ITopic =>
      new Topic(this, name, {
        masterKey: props.key,
        enforceSSL: true,
        displayName: name,
      });

    this.channels = Object.fromEntries(
      CHANNELS.map((channel) => [channel, topic(channel)]),
    ) as Record<Channel, ITopic>;
    this.tiers = TIERS.map((tier) => topic(`tier-${tier}`));
  }

  /** Environment variables the functions read (see `shared/config.ts`). */
  public environment(): Record<string, string> {
    return {
      TOPIC_TARS_CRITICAL: this.channels['tars-critical'].topicArn,
      TOPIC_TARS_ALERTS: this.channels['tars-alerts'].topicArn,
      TOPIC_TARS_ONCALL: this.channels['tars-oncall'].topicArn,
      ...Object.fromEntries(
        this.tiers.map((t, i) => [`TOPIC_TIER_${i + 1}`, t.topicArn]),
      ),
    };
  }

  /** Every topic, for grants. */
  public all(): ITopic[] {
    return [...Object.values(this.channels), ...this.tiers];
  }
}
