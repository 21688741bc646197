import { z } from 'zod';
import { excerpt } from './excerpt.ts';
import { isRecord } from './normalize.ts';
import { parseTime } from './time.ts';
import type { RejectedRecord } from './types.ts';

/** One delivery of the event, unwrapped down to the alert message. */
export interface RawRecord {
  record: number;
  messageId: string | null;
  receivedAt: string | null;
  /** The message: text as published, or an object for a raw event. */
  message: unknown;
  /** The sender marked the message as cut short (SNS size limit). */
  truncated: boolean;
}

/** A record unwrapped, or the reason it could not be. */
export type EnvelopeItem =
  | { ok: true; raw: RawRecord }
  | { ok: false; rejection: RejectedRecord };

// Lenient on purpose: the Powertools schemas insist on URL fields (the
// AWS sample event has `EXAMPLE` there) that intake never reads.
const attributesSchema = z.record(z.string(), z.unknown()).nullish();

const snsMessageSchema = z.looseObject({
  MessageId: z.string().optional(),
  Message: z.string(),
  Timestamp: z.string().optional(),
  MessageAttributes: attributesSchema,
});

const snsNotificationSchema = snsMessageSchema.extend({
  Type: z.literal('Notification'),
  MessageId: z.string(),
});

const sqsRecordSchema = z.looseObject({
  messageId: z.string().optional(),
  body: z.string(),
  attributes: z.looseObject({ SentTimestamp: z.string().optional() }).nullish(),
  messageAttributes: attributesSchema,
});

type SnsMessage = z.infer<typeof snsMessageSchema>;
type SqsRecord = z.infer<typeof sqsRecordSchema>;

/**
 * Splits a Lambda event into its records: an SNS event, an SQS event (body
 * an SNS notification or a raw message), a bare SNS notification, or a raw
 * message (record 0).
 */
export function splitEvent(event: unknown): EnvelopeItem[] {
  if (isRecord(event) && Array.isArray(event.Records)) {
    if (event.Records.length === 0) {
      return [rejectEnvelope(0, 'event holds no records', event)];
    }
    return event.Records.map(splitRecord);
  }

  const notification = snsNotificationSchema.safeParse(event);
  if (notification.success) return [fromSns(notification.data, 0)];
  return [{ ok: true, raw: rawMessage(event, 0, null, null, false) }];
}

function splitRecord(record: unknown, index: number): EnvelopeItem {
  if (isRecord(record) && 'Sns' in record) {
    const sns = snsMessageSchema.safeParse(record.Sns);
    if (sns.success) return fromSns(sns.data, index);
    return rejectEnvelope(index, 'SNS record has no string Message', record);
  }

  const sqs = sqsRecordSchema.safeParse(record);
  if (sqs.success) return fromSqs(sqs.data, index);
  return rejectEnvelope(index, 'record is neither SNS nor SQS', record);
}

function fromSns(sns: SnsMessage, index: number): EnvelopeItem {
  const receivedAt = sns.Timestamp ? parseTime(sns.Timestamp) : null;
  return {
    ok: true,
    raw: rawMessage(
      sns.Message,
      index,
      sns.MessageId ?? null,
      receivedAt?.ok ? receivedAt.iso : null,
      isTruncated(sns.MessageAttributes),
    ),
  };
}

function fromSqs(sqs: SqsRecord, index: number): EnvelopeItem {
  const notification = snsNotificationSchema.safeParse(parseJson(sqs.body));
  if (notification.success) return fromSns(notification.data, index);

  return {
    ok: true,
    raw: rawMessage(
      sqs.body,
      index,
      sqs.messageId ?? null,
      epochToIso(sqs.attributes?.SentTimestamp),
      isTruncated(sqs.messageAttributes),
    ),
  };
}

function rawMessage(
  message: unknown,
  record: number,
  messageId: string | null,
  receivedAt: string | null,
  truncated: boolean,
): RawRecord {
  return { record, messageId, receivedAt, message, truncated };
}

/**
 * Alertmanager sets the `truncated` attribute when it cut the message to
 * fit SNS. SNS shows attributes as `{ Type, Value }`, SQS as
 * `{ stringValue, dataType }`.
 */
function isTruncated(attributes: Record<string, unknown> | null | undefined) {
  const attribute = attributes?.truncated;
  if (!isRecord(attribute)) return false;

  const value =
    attribute.Value ?? attribute.stringValue ?? attribute.StringValue;
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

function epochToIso(millis: string | undefined): string | null {
  if (millis === undefined || !/^\d{1,15}$/.test(millis)) return null;
  return new Date(Number(millis)).toISOString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: a raw message body, which the format readers handle.
    return undefined;
  }
}

function rejectEnvelope(
  record: number,
  reason: string,
  value: unknown,
): EnvelopeItem {
  const messageId = isRecord(value) ? findMessageId(value) : undefined;
  const rejection: RejectedRecord = { reason, record, excerpt: excerpt(value) };
  if (messageId !== undefined) rejection.messageId = messageId;
  return { ok: false, rejection };
}

function findMessageId(record: Record<string, unknown>): string | undefined {
  const sns = isRecord(record.Sns) ? record.Sns.MessageId : undefined;
  const id = sns ?? record.messageId ?? record.MessageId;
  return typeof id === 'string' ? id : undefined;
}
