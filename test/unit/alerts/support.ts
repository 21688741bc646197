import { readFileSync } from 'node:fs';

const ROOT = new URL('../../fixtures/alerts/', import.meta.url);

/** The text of a fixture under test/fixtures/alerts/. */
export function fixtureText(path: string): string {
  return readFileSync(new URL(path, ROOT), 'utf8');
}

/** A fixture parsed as JSON. */
export function fixtureJson(path: string): unknown {
  return JSON.parse(fixtureText(path));
}

/** What a test may set on a wrapped SNS record. */
export interface SnsOptions {
  subject?: string | null;
  attributes?: Record<string, { Type: string; Value: string }>;
}

/**
 * Wraps bare messages into a Lambda SNS event, as SNS delivers them: one
 * record per message, ids `msg-0`, `msg-1`, …
 */
export function snsEvent(messages: string[], options: SnsOptions = {}) {
  return {
    Records: messages.map((message, index) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:alerts:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `msg-${index}`,
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
        Subject: options.subject ?? null,
        Message: message,
        Timestamp: '2024-03-01T10:00:00.000Z',
        MessageAttributes: options.attributes ?? {},
      },
    })),
  };
}
