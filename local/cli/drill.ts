import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
// The cluster's faults; importing them starts and logs nothing.
import { FAULT_KINDS as SCENARIOS } from '../cluster/faults.ts';
import type { DrillSource } from '../drill/alert-events.ts';
import { drillEntry } from '../drill/catalog.ts';
import type { DrillOptions, DrillResult } from '../drill/run.ts';

const USAGE = `Usage: npm run --silent drill -- <AlertName> [options]

Runs the alert's playbook end to end on the embedded local world (a
simulated T.A.R.S. cluster served over the Kubernetes API, DynamoDB,
SNS) and prints the incident's timeline. Nothing outside this machine is
touched.

Options:
  --scenario NAME   fault to inject: oom-killed (default), crash-loop,
                    dependency-down, image-pull, unschedulable, healthy
  --source NAME     alert format: alertmanager (default), alertmanager-text,
                    cloudwatch
  --dry-run         plan only: no cluster writes, nobody paged
  --snapshot FILE   replay a 'kubectl get ... -o json' List as it is,
                    instead of the simulated model (implies --dry-run; no
                    --scenario)
  --json            print { incident, timeline } as JSON, nothing else
  --speed N         simulated seconds per real second, 1 to 600 (default 60)
  --verbose         also print the function's structured logs
  -h, --help        this text

Exit codes: 0 the drill ran (whatever the incident's outcome), 1 the drill
failed, 2 bad usage.

Example: npm run drill -- EvalEngineDown --scenario crash-loop --dry-run`;

const SOURCES = ['alertmanager', 'alertmanager-text', 'cloudwatch'] as const;
// Past this the simulated cluster spends longer computing each real second
// than the second lasts, and the drill slows down instead.
const MAX_SPEED = 600;

class UsageError extends Error {
  override name = 'UsageError';
}

interface CliArgs {
  options: Omit<DrillOptions, 'onStep' | 'onDeliver'>;
  json: boolean;
}

async function parse(argv: string[]): Promise<CliArgs | null> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scenario: { type: 'string' },
      source: { type: 'string', default: 'alertmanager' },
      'dry-run': { type: 'boolean', default: false },
      snapshot: { type: 'string' },
      json: { type: 'boolean', default: false },
      speed: { type: 'string', default: '60' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  const alertName = oneAlert(positionals);
  checkCombinations(values);
  const snapshot = values.snapshot
    ? checkSnapshot(await readSnapshot(values.snapshot), alertName)
    : undefined;
  return {
    json: values.json,
    options: {
      alertName,
      // A snapshot gets no fault on top: `healthy` injects none.
      scenario: snapshot
        ? 'healthy'
        : oneOf(values.scenario ?? 'oom-killed', SCENARIOS, '--scenario'),
      source: oneOf(values.source, SOURCES, '--source') as DrillSource,
      dryRun: values['dry-run'] || snapshot !== undefined,
      snapshot,
      snapshotPath: values.snapshot,
      speed: speed(values.speed),
      verbose: values.verbose,
    },
  };
}

function checkCombinations(values: {
  snapshot?: string;
  scenario?: string;
  json: boolean;
  verbose: boolean;
}): void {
  if (values.snapshot && values.scenario) {
    throw new UsageError(
      '--scenario does not go with --snapshot: a snapshot is replayed as it is',
    );
  }
  if (values.json && values.verbose) {
    throw new UsageError(
      '--json and --verbose both write to stdout; choose one',
    );
  }
}

function oneAlert(positionals: string[]): string {
  const [alertName, ...extra] = positionals;
  if (!alertName || extra.length > 0) {
    throw new UsageError('name exactly one alert, e.g. EvalEngineDown');
  }
  try {
    drillEntry(alertName);
  } catch (error) {
    throw new UsageError(message(error));
  }
  return alertName;
}

function oneOf<T extends string>(
  value: string,
  allowed: readonly T[],
  flag: string,
): T {
  const found = allowed.find((a) => a === value);
  if (!found) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}`);
  }
  return found;
}

function speed(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 1 || n > MAX_SPEED) {
    throw new UsageError(`--speed must be a number from 1 to ${MAX_SPEED}`);
  }
  return n;
}

async function readSnapshot(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new UsageError(`cannot read snapshot ${path}: ${message(error)}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `snapshot ${path} is not JSON (${message(error)}); ` +
        'make it with kubectl get ... -o json',
    );
  }
  if (!isKubeObject(parsed)) {
    throw new UsageError(
      `snapshot ${path} is not a Kubernetes List or object; make it with ` +
        EXPORT.replace('NAMESPACE', 'tars'),
    );
  }
  return parsed;
}

interface KubeItem {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

const EXPORT =
  'kubectl get deployments,replicasets,pods,services,endpoints,events ' +
  '-n NAMESPACE -o json';

/**
 * A snapshot must hold what the playbook reads: its deployment and that
 * deployment's namespace's pods. Anything less would be "diagnosed" from
 * objects the simulator made up.
 */
function checkSnapshot(snapshot: unknown, alertName: string): unknown {
  const { namespace, deployment } = drillEntry(alertName).defaultTarget;
  const list = snapshot as { items?: KubeItem[] };
  const items = list.items ?? [snapshot as KubeItem];
  const inNamespace = items.filter((i) => i.metadata?.namespace === namespace);
  const has = (kind: string, name?: string) =>
    inNamespace.some(
      (i) => i.kind === kind && (!name || i.metadata?.name === name),
    );
  const missing = [
    has('Deployment', deployment ?? undefined)
      ? null
      : `deployment ${namespace}/${deployment}`,
    has('Pod') ? null : `pods in ${namespace}`,
  ].filter((m) => m !== null);
  if (missing.length > 0) {
    throw new UsageError(
      `the snapshot has no ${missing.join(' and no ')}; make it with ` +
        EXPORT.replace('NAMESPACE', namespace),
    );
  }
  return snapshot;
}

function isKubeObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: string[]): Promise<number> {
  let args: CliArgs | null;
  try {
    args = await parse(argv);
  } catch (error) {
    process.stderr.write(
      `drill: ${message(error)}\nSee: npm run drill -- --help\n`,
    );
    return 2;
  }
  if (!args) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Set before the functions' modules load: their logger and metrics read
  // the environment once, when they are created.
  process.env.POWERTOOLS_LOG_LEVEL = args.options.verbose ? 'DEBUG' : 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { runHumanDrill, runJsonDrill } = await import('../drill/print.ts');
  try {
    const result: DrillResult = args.json
      ? await runJsonDrill(args.options)
      : await runHumanDrill(args.options);
    return result ? 0 : 1;
  } catch (error) {
    process.stderr.write(`drill failed: ${message(error)}\n`);
    return 1;
  }
}

// A reader that stops early (| head) is not an error of the drill's.
// The drill still runs to its end, so its world is closed as usual.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv.slice(2));
