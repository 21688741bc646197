import type { Fate, FaultState, LogLine } from './context.ts';
import { formatGi, parseQuantity } from './quantity.ts';
import type { Random } from './random.ts';
import type { Container } from './types.ts';

/** How long after start each app passes its readiness probe. */
const READINESS_MS: Record<string, number> = {
  'tars-eval-engine': 20_000,
  'tars-orchestration': 10_000,
  hypersync: 8_000,
};
const DEFAULT_READINESS_MS = 5_000;

/** Python's logging default layout: date, time,ms, level, logger, text. */
export function stamp(at: number, level: string, text: string): string {
  const iso = new Date(at).toISOString();
  const date = iso.slice(0, 10);
  const time = `${iso.slice(11, 19)},${iso.slice(20, 23)}`;
  return `${date} ${time} ${level} ${text}`;
}

/** How long a container of this deployment takes to become ready. */
export function readinessDelay(deployment: string): number {
  return READINESS_MS[deployment] ?? DEFAULT_READINESS_MS;
}

const versionOf = (image: string) => image.split(':')[1] ?? 'latest';

/** An app's Python logger prefix: `tars-eval-engine` → `eval_engine`. */
const loggerOf = (deployment: string) =>
  deployment.replace(/^tars-/, '').replaceAll('-', '_');

function startupLines(deployment: string, container: Container): string[] {
  const version = versionOf(container.image);
  if (deployment === 'tars-postgres') {
    return [
      'LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu',
      'LOG:  listening on IPv4 address "0.0.0.0", port 5432',
      'LOG:  database system is ready to accept connections',
    ];
  }
  if (deployment === 'tars-redis') {
    return [
      '1:M * Redis version=7.2.5, bits=64',
      '1:M * Ready to accept connections tcp',
    ];
  }
  const logger = loggerOf(deployment);
  const url = `http://0.0.0.0:${portOf(container)}`;
  return [
    `@INFO ${logger}.main starting ${deployment} version=${version}`,
    `@INFO ${logger}.db connected to postgresql ` +
      'host=tars-postgres:5432 db=tars pool_size=20',
    `@INFO ${logger}.cache connected to redis host=tars-redis:6379`,
    `@INFO uvicorn.error Uvicorn running on ${url} (Press CTRL+C to quit)`,
  ];
}

const portOf = (container: Container) =>
  container.ports?.[0]?.containerPort ?? 8080;

/** A periodic line a healthy container writes while it runs. */
export function chatterLine(deployment: string, random: Random): string | null {
  const seconds = (20 + random.next() * 60).toFixed(1);
  const reward = (180 + random.next() * 20).toFixed(1);
  if (deployment === 'tars-eval-engine') {
    return (
      '@INFO eval_engine.worker evaluation completed ' +
      'agent=dqn env=CartPole-v1 episodes=50 ' +
      `mean_reward=${reward} evaluation_duration=${seconds}s`
    );
  }
  if (deployment === 'hypersync') {
    return '@INFO hypersync.sync baselines in sync agents=4 pending=0';
  }
  if (deployment === 'tars-orchestration') {
    return (
      '@INFO orchestration.scheduler trial batch dispatched ' +
      'trials=4 queue_depth=0'
    );
  }
  return null;
}

const dependsOnPostgres = (container: Container) =>
  (container.env ?? []).some((e) => (e.value ?? '').includes('tars-postgres'));

/** An app process that exits with code 1 after `afterMs`, having logged. */
function errorExit(afterMs: number, logs: string[]): Fate {
  return { kind: 'exit', exitCode: 1, reason: 'Error', afterMs, logs };
}

const PSYCOPG2 = '/usr/local/lib/python3.11/site-packages/psycopg2';

function dependencyFate(deployment: string): Fate {
  const logger = loggerOf(deployment);
  return errorExit(4_000, [
    `@INFO ${logger}.main starting ${deployment}`,
    `@INFO ${logger}.db connecting to postgresql ` +
      'host=tars-postgres port=5432 db=tars',
    `@ERROR ${logger}.db OperationalError: could not connect to server: ` +
      'Connection refused (tars-postgres:5432)',
    'Traceback (most recent call last):',
    `  File "/app/${logger}/db.py", line 41, in connect`,
    '    conn = psycopg2.connect(dsn, connect_timeout=5)',
    `  File "${PSYCOPG2}/__init__.py", line 122, in connect`,
    '    conn = _connect(dsn, connection_factory=connection_factory, ' +
      '**kwasync)',
    'psycopg2.OperationalError: could not connect to server: ' +
      'Connection refused',
    '\tIs the server running on host "tars-postgres" and accepting',
    '\tTCP/IP connections on port 5432?',
  ]);
}

function crashFate(deployment: string): Fate {
  const logger = loggerOf(deployment);
  return errorExit(6_000, [
    `@INFO ${logger}.main starting ${deployment}`,
    `@INFO ${logger}.queue restoring in-flight evaluations from checkpoint`,
    `@ERROR ${logger}.main RuntimeError: ` +
      'unhandled exception in worker supervisor',
    'Traceback (most recent call last):',
    `  File "/app/${logger}/main.py", line 214, in <module>`,
    '    supervisor.run()',
    `  File "/app/${logger}/workers.py", line 133, in run`,
    '    self._resume(self.checkpoint.pending())',
    `  File "/app/${logger}/workers.py", line 171, in _resume`,
    '    raise RuntimeError(' +
      'f"job {job.id} resumed twice: checkpoint is stale")',
    'RuntimeError: job 4f2c9e resumed twice: checkpoint is stale',
  ]);
}

function oomFate(deployment: string, needs: number, limit: number): Fate {
  const logger = loggerOf(deployment);
  const rss = formatGi(limit * 0.97);
  return {
    kind: 'exit',
    exitCode: 137,
    reason: 'OOMKilled',
    afterMs: 45_000,
    logs: [
      `@INFO ${logger}.main starting ${deployment}`,
      `@INFO ${logger}.worker loading replay buffers ` +
        `agent=dqn env=CartPole-v1 expected_rss=${formatGi(needs)}`,
      `@WARNING ${logger}.worker memory usage high ` +
        `rss=${rss} limit=${formatGi(limit)}`,
    ],
  };
}

const postgresUnready: Fate = {
  kind: 'unready',
  logs: [
    'LOG:  database system was interrupted; ' +
      'last known up at 2025-11-19 10:02:11 UTC',
    'FATAL:  could not write to file "pg_wal/xlogtemp.27": ' +
      'No space left on device',
    'FATAL:  the database system is in recovery mode',
  ],
};

/** What the next run of a container does, given the faults in force. */
export function decideFate(
  faults: FaultState,
  deployment: string,
  hash: string,
  container: Container,
): Fate {
  if (faults.dependencyDown && deployment === 'tars-postgres') {
    return postgresUnready;
  }
  if (faults.dependencyDown && dependsOnPostgres(container)) {
    return dependencyFate(deployment);
  }
  if (faults.crashing.get(deployment)?.has(hash)) return crashFate(deployment);
  const needs = faults.oomNeeds.get(deployment);
  const limit = parseQuantity(container.resources?.limits?.memory) ?? Infinity;
  if (needs !== undefined && limit < needs) {
    return oomFate(deployment, needs, limit);
  }
  return { kind: 'ok' };
}

/** Log lines written when a container starts under a fate. */
export function startLogs(
  fate: Fate,
  deployment: string,
  container: Container,
  at: number,
): LogLine[] {
  const raw =
    fate.kind === 'ok' ? startupLines(deployment, container) : fate.logs;
  return raw.map((line, index) => toLogLine(line, at + index * 37));
}

/** Turns `@LEVEL text` into a stamped line; other lines stay as written. */
export function toLogLine(line: string, at: number): LogLine {
  if (!line.startsWith('@')) return { at, text: line };
  const [level = 'INFO', ...rest] = line.slice(1).split(' ');
  return { at, text: stamp(at, level, rest.join(' ')) };
}
