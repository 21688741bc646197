import { describe, expect, it } from 'vitest';
import { findErrorLine } from '#functions/eval-engine-down/logs.ts';
import { fixtureText } from './fixtures.ts';

/** The fixture's numbered blocks, without their comment lines. */
function blocks(): string[] {
  return fixtureText('logs/python-error-log-lines.txt')
    .split(/\n## /)
    .slice(1)
    .map((block) =>
      block
        .split('\n')
        .slice(1)
        .filter((line) => !line.startsWith('#'))
        .join('\n'),
    );
}

describe('findErrorLine', () => {
  it.each([
    [0, 'sqlalchemy.exc.TimeoutError', 'postgresql'],
    [1, 'psycopg2.OperationalError', 'postgresql'],
    [2, 'psycopg2.OperationalError', 'postgresql'],
    [3, 'sqlalchemy.exc.TimeoutError', 'postgresql'],
    [4, 'TimeoutError', 'postgresql'],
    [5, 'ValueError', null],
    [6, 'psycopg2.OperationalError', 'postgresql'],
    [7, null, 'postgresql'],
  ])('reads block %i as %s blaming %s', (index, exception, dependency) => {
    // Prepare
    const text = blocks()[index] ?? '';

    // Act
    const found = findErrorLine(text);

    // Assess
    expect(found?.exception ?? null).toBe(exception);
    expect(found?.dependency ?? null).toBe(dependency);
  });

  it('takes the traceback last line, not the preceding ERROR line', () => {
    const text = blocks()[0] ?? '';

    const found = findErrorLine(text);

    expect(found?.line).toMatch(/^sqlalchemy\.exc\.TimeoutError: QueuePool/);
  });

  it('strips a docker-compose prefix', () => {
    const found = findErrorLine(blocks()[3] ?? '');

    expect(found?.line.startsWith('sqlalchemy.exc.TimeoutError')).toBe(true);
  });

  it('blames redis for a refused connection on its port', () => {
    const text = [
      'INFO starting worker',
      'redis.exceptions.ConnectionError: Error 111 connecting to ' +
        'tars-redis:6379. Connection refused.',
    ].join('\n');

    expect(findErrorLine(text)).toMatchObject({
      exception: 'redis.exceptions.ConnectionError',
      dependency: 'redis',
    });
  });

  it('finds nothing in a clean log', () => {
    expect(findErrorLine('INFO ready\nINFO serving on :8099\n')).toBeNull();
  });
});
