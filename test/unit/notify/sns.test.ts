import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MissingTopicError, PublishError } from '#shared/notify/errors.ts';
import {
  createSnsNotifier,
  type NotifyMessage,
  topicsFromConfig,
} from '#shared/notify/sns.ts';

const snsMock = mockClient(SNSClient);
const TIER1 = 'arn:aws:sns:us-east-1:123456789012:tars-tier-1';
const CRITICAL = 'arn:aws:sns:us-east-1:123456789012:tars-critical';

const message: NotifyMessage = {
  subject: `EvalEngineDown: ${'x'.repeat(200)}\nsecond line`,
  body: { reason: 'restart did not help', steps: 4 },
  incidentId: 'inc-1',
  severity: 'P0',
  alertname: 'EvalEngineDown',
};

function notifier() {
  const topics = topicsFromConfig({
    TOPIC_TIER_1: TIER1,
    TOPIC_TARS_CRITICAL: CRITICAL,
  });
  return createSnsNotifier({ sns: new SNSClient({}), topics });
}

describe('sns notifier', () => {
  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('pages a tier with a short subject, JSON body and attributes', async () => {
    // Act
    await notifier().page(1, message);

    // Assess
    const [call] = snsMock.commandCalls(PublishCommand);
    const input = call?.args[0].input;
    expect(input?.TopicArn).toBe(TIER1);
    expect(input?.Subject?.length).toBeLessThanOrEqual(100);
    expect(input?.Subject).not.toContain('\n');
    expect(JSON.parse(input?.Message ?? '')).toMatchObject({
      incidentId: 'inc-1',
      body: { reason: 'restart did not help' },
    });
    expect(input?.MessageAttributes).toEqual({
      incident_id: { DataType: 'String', StringValue: 'inc-1' },
      severity: { DataType: 'String', StringValue: 'P0' },
      alertname: { DataType: 'String', StringValue: 'EvalEngineDown' },
    });
  });

  it('posts to a channel topic', async () => {
    // Act
    await notifier().channel('tars-critical', message);

    // Assess
    const [call] = snsMock.commandCalls(PublishCommand);
    expect(call?.args[0].input.TopicArn).toBe(CRITICAL);
  });

  it('fails clearly when a topic is not configured', async () => {
    // Act
    const paging = notifier().page(3, message);

    // Assess
    await expect(paging).rejects.toBeInstanceOf(MissingTopicError);
    await expect(paging).rejects.toThrow(/tier 3/);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('wraps an SNS failure with its cause', async () => {
    // Prepare
    snsMock.on(PublishCommand).rejects(new Error('throttled'));

    // Act
    const posting = notifier().channel('tars-critical', message);

    // Assess
    await expect(posting).rejects.toBeInstanceOf(PublishError);
    await expect(posting).rejects.toMatchObject({
      cause: { message: 'throttled' },
    });
  });
});
