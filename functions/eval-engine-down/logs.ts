/** Dependencies whose failure a restart of the eval engine cannot fix. */
export const DEPENDENCIES = ['postgresql', 'redis'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

export interface LogError {
  /** The line as logged, without a docker-compose style prefix. */
  line: string;
  /** Exception class when one can be read, e.g. `psycopg2.OperationalError`. */
  exception: string | null;
  dependency: Dependency | null;
}

// `module.Class: message`, the last line of a Python traceback.
const EXCEPTION_CLASS =
  '((?:[A-Za-z_]\\w*\\.)*[A-Z]\\w*' +
  '(?:Error|Exception|Exit|Timeout|Refused))';
const EXCEPTION_LINE = new RegExp(`^${EXCEPTION_CLASS}(?::\\s|$)`);
// `(psycopg2.OperationalError) ...` as SQLAlchemy wraps DBAPI errors.
const WRAPPED_CLASS = /\(((?:[a-z_]\w*\.)+[A-Z]\w*)\)/;
const LEVEL_ERROR = /\b(ERROR|FATAL|CRITICAL)\b/;
const COMPOSE_PREFIX = /^[\w.-]+\s+\|\s?/;

const DEPENDENCY_PATTERNS: ReadonlyArray<[Dependency, RegExp]> = [
  [
    'postgresql',
    new RegExp(
      [
        'psycopg',
        'asyncpg',
        'postgres',
        'sqlalchemy',
        'QueuePool',
        'too many clients',
        'connection slots are reserved',
        '\\bpq:',
      ].join('|'),
      'i',
    ),
  ],
  ['redis', /\bredis\b|:6379\b/i],
];

/**
 * The line that explains a crash: the newest Python exception line (the
 * last line of a traceback, or a JSON log's error type), else the newest
 * line logged at ERROR or worse. Null when the log holds none; a level
 * alone is a weak signal, so an exception line always wins.
 */
export function findErrorLine(text: string): LogError | null {
  const lines = text
    .split('\n')
    .map(cleanLine)
    .filter((l) => l !== '');
  const structured = lines.map(readLine);
  const exception = structured.findLastIndex((l) => l.exception !== null);
  const index =
    exception >= 0 ? exception : structured.findLastIndex((l) => l.levelled);
  const found = structured[index];
  if (!found) {
    return null;
  }

  // The line after counts too: Sentry-style titles put the class on one
  // line and the message (naming the database) on the next.
  const next = lines[index + 1] ?? '';
  const context = `${found.line} ${found.exception ?? ''} ${next}`;
  return {
    line: found.line,
    exception: found.exception,
    dependency: dependencyOf(context),
  };
}

function cleanLine(raw: string): string {
  return raw.replace(COMPOSE_PREFIX, '').trimEnd();
}

interface ReadLine {
  line: string;
  exception: string | null;
  levelled: boolean;
}

function readLine(line: string): ReadLine {
  const json = jsonError(line);
  if (json) {
    return json;
  }
  const exception =
    EXCEPTION_LINE.exec(line.trim())?.[1] ??
    (LEVEL_ERROR.test(line) ? (WRAPPED_CLASS.exec(line)?.[1] ?? null) : null);
  return { line, exception, levelled: LEVEL_ERROR.test(line) };
}

/** ECS (`error.type`) and python-json-logger (`exc_info`) lines. */
function jsonError(line: string): ReadLine | null {
  if (!line.startsWith('{')) {
    return null;
  }
  const parsed = parseObject(line);
  if (!parsed) {
    return null;
  }

  const error = parsed.error as Record<string, unknown> | undefined;
  const fromEcs = typeof error?.type === 'string' ? error.type : null;
  const excInfo = typeof parsed.exc_info === 'string' ? parsed.exc_info : '';
  const fromTrace = findErrorLine(excInfo)?.exception ?? null;
  const level = String(parsed.levelname ?? parsed['log.level'] ?? '');
  return {
    line,
    exception: fromEcs ?? fromTrace,
    levelled: LEVEL_ERROR.test(level.toUpperCase()),
  };
}

function parseObject(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    // Not JSON after all: read it as a plain line.
    return null;
  }
}

/** Which dependency an error line blames, if any. */
export function dependencyOf(text: string): Dependency | null {
  const hit = DEPENDENCY_PATTERNS.find(([, pattern]) => pattern.test(text));
  return hit?.[0] ?? null;
}
