import { RecordRejectedError } from '../errors.ts';
import { isRecord, type ReadResult } from '../normalize.ts';
import { salvageAlerts } from './json-salvage.ts';
import { repairTemplateJson } from './template-repair.ts';
import { readWebhookAlerts, type WebhookSource } from './webhook.ts';

/** Go-form times in the text: the AMP template wrote this message. */
const GO_TIME_IN_TEXT = /"startsAt"\s*:\s*"\d{4}-\d{2}-\d{2} \d/;

const REPAIRED = 'unescaped characters in the JSON were repaired';
const SALVAGED =
  'message is not valid JSON; only its complete alerts were read';

/**
 * Reads a message that looks like JSON but does not parse: AMP template
 * output with unescaped values is repaired; whatever still fails (or an
 * Alertmanager message cut short) is read alert by alert.
 */
export function readBrokenJson(text: string): ReadResult {
  if (!GO_TIME_IN_TEXT.test(text)) {
    return readSalvaged(text, 'alertmanager');
  }

  const repaired = repairTemplateJson(text);
  const body = parseObject(repaired);
  if (!body || !Array.isArray(body.alerts)) {
    return readSalvaged(repaired, 'amp-template');
  }
  return readWebhookAlerts(body.alerts, 'amp-template', [REPAIRED]);
}

function readSalvaged(text: string, source: WebhookSource): ReadResult {
  const salvage = salvageAlerts(text);
  if (salvage.alerts.length === 0) {
    throw new RecordRejectedError(
      'message is invalid JSON and holds no complete alert',
    );
  }

  const result = readWebhookAlerts(salvage.alerts, source, [SALVAGED]);
  if (salvage.unreadable > 0) {
    result.rejects.push(
      `${salvage.unreadable} alert objects of the broken JSON did not parse`,
    );
  }
  return result;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    // The caller falls back to reading alert by alert.
    return null;
  }
}
