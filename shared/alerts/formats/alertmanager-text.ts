import { RecordRejectedError } from '../errors.ts';
import { finishAlert, type ReadResult, readEach } from '../normalize.ts';
import type { AlertStatus, NormalizedAlert } from '../types.ts';

const FIRING = 'Alerts Firing:';
const RESOLVED = 'Alerts Resolved:';
/** ` - name = value`; the template prints ` - name = ` for an empty value. */
const PAIR = /^ - ([A-Za-z_][A-Za-z0-9_]*) =(?: (.*))?$/;

/** One alert of the text, as the lines build it up. */
interface TextAlert {
  status: AlertStatus;
  labels: Map<string, string>;
  annotations: Map<string, string>;
  part: 'labels' | 'annotations';
  lastKey: string | null;
  /** Its `Source:` line was seen. */
  complete: boolean;
  warnings: string[];
}

/** True when the text has the default SNS template's alert blocks. */
export function isAlertmanagerText(text: string): boolean {
  return (
    /^Alerts (Firing|Resolved):\r?$/m.test(text) && /^Labels:\r?$/m.test(text)
  );
}

/**
 * Reads the default text of Alertmanager's SNS receiver (also what Amazon
 * Managed Prometheus publishes): `Alerts Firing:` / `Alerts Resolved:`
 * blocks of `Labels:` and `Annotations:` pairs ending in `Source:`. Values
 * are not escaped: a line that is not a pair continues the previous value.
 * The text has no times and no fingerprint. When the message was
 * truncated, an alert cut before its `Source:` line is left out.
 */
export function readAlertmanagerText(
  text: string,
  truncated: boolean,
): ReadResult {
  const parsed = parseBlocks(text);
  const kept = truncated ? parsed.filter((alert) => alert.complete) : parsed;
  if (kept.length === 0) {
    throw new RecordRejectedError('text message holds no complete alert');
  }
  return readEach(kept, toAlert);
}

function parseBlocks(text: string): TextAlert[] {
  const alerts: TextAlert[] = [];
  let status: AlertStatus | null = null;
  let current: TextAlert | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (current && !current.complete) {
      readAlertLine(current, line);
      continue;
    }
    if (line === FIRING) status = 'firing';
    else if (line === RESOLVED) status = 'resolved';
    else if (line === 'Labels:' && status) {
      current = newAlert(status);
      alerts.push(current);
    }
  }
  return alerts;
}

function newAlert(status: AlertStatus): TextAlert {
  return {
    status,
    labels: new Map(),
    annotations: new Map(),
    part: 'labels',
    lastKey: null,
    complete: false,
    warnings: [],
  };
}

function readAlertLine(alert: TextAlert, line: string): void {
  if (line === 'Annotations:' && alert.part === 'labels') {
    alert.part = 'annotations';
    alert.lastKey = null;
    return;
  }
  if (line.startsWith('Source:') && alert.part === 'annotations') {
    alert.complete = true;
    return;
  }

  const pairs = alert.part === 'labels' ? alert.labels : alert.annotations;
  const pair = PAIR.exec(line);
  if (pair?.[1] !== undefined) {
    pairs.set(pair[1], pair[2] ?? '');
    alert.lastKey = pair[1];
  } else if (alert.lastKey !== null) {
    pairs.set(alert.lastKey, `${pairs.get(alert.lastKey) ?? ''}\n${line}`);
  } else if (line !== '') {
    alert.warnings.push(`line ${JSON.stringify(line)} ignored`);
  }
}

function toAlert(alert: TextAlert): NormalizedAlert {
  const labels = Object.fromEntries(alert.labels);
  const name = labels.alertname;
  if (!name) throw new RecordRejectedError('no alertname label');
  const warnings = [...alert.warnings];
  if (!alert.complete) warnings.push('alert has no Source line; may be cut');

  return finishAlert({
    source: 'alertmanager-text',
    name,
    status: alert.status,
    labels,
    annotations: Object.fromEntries(alert.annotations),
    startsAt: null,
    endsAt: null,
    warnings,
  });
}
