import { RecordRejectedError } from './errors.ts';
import {
  isAlertmanagerText,
  readAlertmanagerText,
} from './formats/alertmanager-text.ts';
import { readBrokenJson } from './formats/broken-json.ts';
import {
  isCloudWatchAlarm,
  readCloudWatchAlarm,
} from './formats/cloudwatch.ts';
import { isDirectAlarm, readDirectAlarm } from './formats/cloudwatch-direct.ts';
import { isManualAlert, readManualAlert } from './formats/manual.ts';
import { isWebhook, readWebhook } from './formats/webhook.ts';
import { isRecord, type ReadResult } from './normalize.ts';

const TRUNCATED =
  'message was truncated by its sender; alerts after the cut are missing';

/**
 * Reads one message (the text an SNS record carries, or a raw object) into
 * alerts, whatever its format. Throws `RecordRejectedError` when it is not
 * an alert.
 */
export function readMessage(message: unknown, truncated: boolean): ReadResult {
  const result = readAnyFormat(message, truncated);
  if (truncated) {
    for (const alert of result.alerts) alert.warnings.push(TRUNCATED);
  }
  return result;
}

function readAnyFormat(message: unknown, truncated: boolean): ReadResult {
  if (isRecord(message)) return readObject(message);
  if (typeof message !== 'string') {
    throw new RecordRejectedError('message is neither text nor an object');
  }
  return readText(message, truncated);
}

function readText(text: string, truncated: boolean): ReadResult {
  if (text.trim() === '') throw new RecordRejectedError('message is empty');
  if (text.trimStart().startsWith('{')) {
    const body = parseJson(text);
    if (body === undefined) return readBrokenJson(text);
    if (isRecord(body)) return readObject(body);
  }
  if (isAlertmanagerText(text)) return readAlertmanagerText(text, truncated);
  throw new RecordRejectedError(
    'message is neither JSON nor the Alertmanager text format',
  );
}

function readObject(body: Record<string, unknown>): ReadResult {
  if (isWebhook(body)) return readWebhook(body);
  if (isCloudWatchAlarm(body)) return single(readCloudWatchAlarm(body));
  if (isDirectAlarm(body)) return single(readDirectAlarm(body));
  if (isManualAlert(body)) return single(readManualAlert(body));
  throw new RecordRejectedError(
    'JSON message is not an Alertmanager webhook, CloudWatch alarm ' +
      'or manual alert',
  );
}

function single(alert: ReadResult['alerts'][number]): ReadResult {
  return { alerts: [alert], rejects: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // undefined tells the caller to try the broken-JSON readers.
    return undefined;
  }
}
