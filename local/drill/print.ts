import { formatIncident, formatPublish, formatStep } from './format.ts';
import type { DrillOptions, DrillResult } from './run.ts';
import { runDrill } from './run.ts';

type Options = Omit<DrillOptions, 'onStep' | 'onDeliver'>;

const out = (line = '') => process.stdout.write(`${line}\n`);

/** Runs a drill and prints only the contract's JSON at the end. */
export async function runJsonDrill(options: Options): Promise<DrillResult> {
  const result = await runDrill(options);
  out(
    JSON.stringify(
      { incident: result.incident, timeline: result.timeline },
      null,
      2,
    ),
  );
  return result;
}

/** Runs a drill, streaming each step as it happens, then a summary. */
export async function runHumanDrill(options: Options): Promise<DrillResult> {
  const startedAt = Date.now();
  out(headline(options));
  out();
  const result = await runDrill({
    ...options,
    onDeliver: ({ status, messageId }) =>
      out(`→ ${options.alertName} ${status} delivered (SNS ${messageId})`),
    onStep: (entry) => out(formatStep(entry, startedAt)),
  });
  out();
  out(formatIncident(result.incident));
  out();
  out(`messages published (${result.published.length}):`);
  for (const publish of result.published) out(formatPublish(publish));
  out();
  out(summary(result, options));
  return result;
}

function headline(options: Options): string {
  const mode = options.dryRun ? 'dry-run: nothing is changed' : 'acting';
  const world = options.snapshotPath
    ? `snapshot ${options.snapshotPath}, no fault injected`
    : `scenario ${options.scenario}`;
  return [
    `${options.alertName} drill`,
    world,
    `alert as ${options.source}`,
    mode,
  ].join(' · ');
}

function summary(result: DrillResult, options: Options): string {
  const writes = `cluster writes: ${result.clusterWrites}`;
  const steps = `timeline steps: ${result.timeline.length}`;
  const note = options.dryRun
    ? 'dry-run: the incident stays open; nothing was changed or paged'
    : 'use --json for the contract, --dry-run to plan only';
  return `${steps} · ${writes}\n${note}`;
}
