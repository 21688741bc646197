import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Channel, Tier } from '#shared/playbook/catalog.ts';
import { MissingTopicError, PublishError } from './errors.ts';

/** One message to a channel or a tier. */
export interface NotifyMessage {
  subject: string;
  /** Serialized as JSON in the SNS body. */
  body: unknown;
  incidentId: string;
  severity: string;
  alertname: string;
}

/** Where people hear about incidents: channels always, tiers when needed. */
export interface Notifier {
  channel(name: Channel, message: NotifyMessage): Promise<void>;
  page(tier: Tier, message: NotifyMessage): Promise<void>;
}

/** Topic ARNs per channel and tier; a missing one fails loudly on use. */
export interface NotifyTopics {
  channels: Partial<Record<Channel, string>>;
  tiers: Partial<Record<Tier, string>>;
}

/** SNS limits a subject to 100 characters, printable ASCII, no newlines. */
export const SUBJECT_MAX = 100;

/** Makes a subject SNS accepts: one line, ASCII, at most 100 characters. */
export function toSubject(text: string): string {
  const clean = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  if (clean.length <= SUBJECT_MAX) return clean || '(no subject)';
  return `${clean.slice(0, SUBJECT_MAX - 3)}...`;
}

function attributes(message: NotifyMessage) {
  const text = (value: string) => ({
    DataType: 'String',
    // SNS rejects an empty string attribute value.
    StringValue: value || '-',
  });
  return {
    incident_id: text(message.incidentId),
    severity: text(message.severity),
    alertname: text(message.alertname),
  };
}

/**
 * Publishes channel messages and pages to SNS topics.
 *
 * @example
 * const notifier = createSnsNotifier({ sns, topics: topicsFromConfig(cfg) });
 * await notifier.page(1, { subject, body, incidentId, severity, alertname });
 */
export function createSnsNotifier(options: {
  sns: SNSClient;
  topics: NotifyTopics;
}): Notifier {
  const { sns, topics } = options;
  const publish = async (
    arn: string | undefined,
    what: string,
    m: NotifyMessage,
  ) => {
    if (!arn) throw new MissingTopicError(what);

    try {
      await sns.send(
        new PublishCommand({
          TopicArn: arn,
          Subject: toSubject(m.subject),
          Message: JSON.stringify({ ...wrap(m), destination: what }),
          MessageAttributes: attributes(m),
        }),
      );
    } catch (error) {
      throw new PublishError(`publish to ${what} failed`, { cause: error });
    }
  };
  return {
    channel: (name, m) => publish(topics.channels[name], name, m),
    page: (tier, m) => publish(topics.tiers[tier], `tier ${tier}`, m),
  };
}

function wrap(m: NotifyMessage) {
  return {
    subject: m.subject,
    incidentId: m.incidentId,
    severity: m.severity,
    alertname: m.alertname,
    body: m.body,
  };
}

/** The topic map from the configuration's TOPIC_* settings. */
export function topicsFromConfig(cfg: {
  TOPIC_TARS_CRITICAL?: string | undefined;
  TOPIC_TARS_ALERTS?: string | undefined;
  TOPIC_TARS_ONCALL?: string | undefined;
  TOPIC_TIER_1?: string | undefined;
  TOPIC_TIER_2?: string | undefined;
  TOPIC_TIER_3?: string | undefined;
}): NotifyTopics {
  return {
    channels: {
      'tars-critical': cfg.TOPIC_TARS_CRITICAL,
      'tars-alerts': cfg.TOPIC_TARS_ALERTS,
      'tars-oncall': cfg.TOPIC_TARS_ONCALL,
    },
    tiers: { 1: cfg.TOPIC_TIER_1, 2: cfg.TOPIC_TIER_2, 3: cfg.TOPIC_TIER_3 },
  };
}
