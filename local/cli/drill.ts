import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DrillSource } from '../drill/alert-events.ts';
import type { DrillOptions, DrillResult } from '../drill/run.ts';

const USAGE = `Usage: npm run drill -- <AlertName> [options]

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
  --snapshot FILE   replay a 'kubectl get ... -o json' List instead of the
                    simulated model (implies --dry-run)
  --json            print { incident, timeline } as JSON, nothing else
  --speed N         simulated ms per real ms (default 60)
  --verbose         also print the function's structured logs
  -h, --help        this text

Example: npm run drill -- EvalEngineDown --scenario crash-loop --dry-run`;

const SCENARIOS = [
  'oom-killed',
  'crash-loop',
  'dependency-down',
  'image-pull',
  'unschedulable',
  'healthy',
] as const;
const SOURCES = ['alertmanager', 'alertmanager-text', 'cloudwatch'] as const;

class UsageError extends Error {
  override name = 'UsageError';
}

interface CliArgs {
  options: Omit<DrillOptions, 'onStep' | 'onPublish' | 'onDeliver'>;
  json: boolean;
}

async function parse(argv: string[]): Promise<CliArgs | null> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scenario: { type: 'string', default: 'oom-killed' },
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
  const [alertName, ...extra] = positionals;
  if (!alertName || extra.length > 0) {
    throw new UsageError('name exactly one alert, e.g. EvalEngineDown');
  }
  const snapshot = values.snapshot
    ? await readSnapshot(values.snapshot)
    : undefined;
  return {
    json: values.json,
    options: {
      alertName,
      scenario: oneOf(values.scenario, SCENARIOS, '--scenario'),
      source: oneOf(values.source, SOURCES, '--source') as DrillSource,
      dryRun: values['dry-run'] || snapshot !== undefined,
      snapshot,
      speed: positiveNumber(values.speed, '--speed'),
      verbose: values.verbose,
    },
  };
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

function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} must be a positive number`);
  }
  return n;
}

async function readSnapshot(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new UsageError(`cannot read snapshot ${path}: ${message(error)}`);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `snapshot ${path} is not JSON (${message(error)}); make it with kubectl get ... -o json`,
    );
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: string[]): Promise<number> {
  let args: CliArgs | null;
  try {
    args = await parse(argv);
  } catch (error) {
    process.stderr.write(`drill: ${message(error)}\n\n${USAGE}\n`);
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

process.exitCode = await main(process.argv.slice(2));
