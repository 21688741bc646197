import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnsCapture, startSnsCapture } from '#local/sns/server.ts';

describe('local SNS capture', () => {
  let capture: SnsCapture;
  let sns: SNSClient;

  beforeAll(async () => {
    capture = await startSnsCapture();
    sns = new SNSClient({
      endpoint: capture.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    sns.destroy();
    await capture.close();
  });

  it('captures what the real SDK client publishes', async () => {
    const topicArn = 'arn:aws:sns:us-east-1:000000000000:tars-critical';
    const seen: string[] = [];
    capture.onPublish((publish) => seen.push(publish.messageId));

    const out = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'EvalEngineDown mitigated',
        Message: '{"text":"a & <b>"}',
        MessageAttributes: {
          incident_id: { DataType: 'String', StringValue: 'inc-1' },
        },
      }),
    );

    expect(capture.published).toEqual([
      {
        messageId: out.MessageId,
        topicArn,
        subject: 'EvalEngineDown mitigated',
        message: '{"text":"a & <b>"}',
        attributes: { incident_id: 'inc-1' },
        at: expect.any(String),
      },
    ]);
    expect(seen).toEqual([out.MessageId]);
  });

  it('answers an unsupported action with an SNS error', async () => {
    const res = await fetch(capture.endpoint, {
      method: 'POST',
      body: 'Action=CreateTopic&Name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>InvalidAction</Code>');
  });
});
