import type { CapturedPublish } from '#local/sns/server.ts';
import type { Incident } from '#shared/incidents/types.ts';
import type { TimelineEntry } from '#shared/playbook/types.ts';

// Detail lines fit the terminal; piped output gets a generous width.
const DETAIL_WIDTH = Math.max(60, (process.stdout.columns ?? 140) - 14);

/** One timeline entry as a readable line (plus a detail line when any). */
export function formatStep(entry: TimelineEntry, startedAt: number): string {
  const offset = ((Date.parse(entry.at) - startedAt) / 1000).toFixed(2);
  const head = [
    `+${offset}s`.padStart(9),
    entry.kind.padEnd(9),
    entry.step.padEnd(28),
    outcomeLabel(entry).padEnd(14),
    `${entry.durationMs} ms`.padStart(9),
  ].join('  ');
  const detail = stepDetail(entry);
  return detail ? `${head}\n${' '.repeat(13)}${detail}` : head;
}

function outcomeLabel(entry: TimelineEntry): string {
  const tier = entry.tier === undefined ? '' : ` tier ${entry.tier}`;
  const dry = entry.dryRun && entry.kind === 'act' ? ' (dry)' : '';
  return `${entry.outcome}${tier}${dry}`;
}

function stepDetail(entry: TimelineEntry): string {
  const parts: string[] = [];
  if (entry.reason) parts.push(entry.reason);
  if (entry.kind === 'act' && entry.before !== undefined) {
    parts.push(`before ${compact(entry.before)}`);
  }
  if (entry.after !== undefined && entry.after !== null) {
    parts.push(
      `${entry.kind === 'act' ? 'after ' : ''}${compact(entry.after)}`,
    );
  }
  return truncate(parts.join(' · '), DETAIL_WIDTH);
}

/** A captured SNS publish as one line. */
export function formatPublish(publish: CapturedPublish): string {
  const topic = publish.topicArn.split(':').at(-1) ?? publish.topicArn;
  return `  ${topic.padEnd(14)} ${publish.subject ?? '(no subject)'}`;
}

/** The incident's headline. */
export function formatIncident(incident: Incident): string {
  const flags = [
    incident.dryRun ? 'dry-run' : null,
    incident.silenced ? 'silenced' : null,
    incident.exhausted ? 'exhausted' : null,
    incident.acknowledged ? `acked by ${incident.acknowledged.by}` : null,
  ].filter((flag) => flag !== null);
  return [
    `incident ${incident.id}`,
    targetText(incident),
    `status ${incident.status}`,
    incident.severity,
    `playbook ${incident.playbook}`,
    `tier ${incident.tier}`,
    `flaps ${incident.flaps}`,
    ...flags,
  ].join(' · ');
}

/**
 * A one-line reading of a step's data: `key=value` for scalars, nested
 * objects one level deep in braces, lists by their length; `--json` has
 * everything.
 */
function compact(value: unknown, depth = 0): string {
  if (Array.isArray(value)) return count(value.length);
  if (value === null || typeof value !== 'object') return String(value);
  const fields = Object.entries(value).map(([key, v]) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return depth === 0 ? `${key}={${compact(v, 1)}}` : `${key}={…}`;
    }
    return `${key}=${scalar(v)}`;
  });
  return fields.join(' ');
}

function scalar(value: unknown): string {
  if (Array.isArray(value)) return count(value.length);
  return truncate(String(value), 48);
}

function count(n: number): string {
  return n === 1 ? '1 item' : `${n} items`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function targetText(incident: Incident): string {
  const { namespace, deployment, service } = incident.target;
  return `${namespace}/${deployment ?? service ?? '-'}`;
}
