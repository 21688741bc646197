import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type CliIo, main } from '#local/cli/parse.ts';
import { fixtureText } from './support.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(
  new URL('../../../local/cli/parse.ts', import.meta.url),
);
const FIXTURES = new URL('../../fixtures/alerts/', import.meta.url);

function fixturePath(path: string): string {
  return fileURLToPath(new URL(path, FIXTURES));
}

function captureIo(stdin = ''): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => stdin,
  };
}

describe('npm run parse', () => {
  it('prints the alerts of a fixture event as 2-space JSON', async () => {
    // Act: the vitest process runs on the project's Node 24.
    const { stdout, stderr } = await run(process.execPath, [
      CLI,
      fixturePath(
        'amp/lambda-sns-event.amp-json-template.grouped.constructed.json',
      ),
    ]);

    // Assess
    const output = JSON.parse(stdout) as {
      alerts: Array<{ fingerprint: string; source: string }>;
      rejected: unknown[];
    };
    expect(stdout).toBe(`${JSON.stringify(output, null, 2)}\n`);
    expect(output.alerts.map((alert) => alert.fingerprint)).toEqual([
      'd6ea1d556c99acfc',
      'c03a545b96242ff0',
      '0900e445744083b6',
    ]);
    expect(output.rejected).toEqual([]);
    expect(stderr).toBe('');
  });

  it('exits 0 and lists a rejected record', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(
      [fixturePath('sns/lambda-sns-event-aws-docs-sample.json')],
      io,
    );

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(io.out.join(''))).toEqual({
      alerts: [],
      rejected: [
        {
          reason: 'message is neither JSON nor the Alertmanager text format',
          record: 0,
          excerpt: 'Hello from SNS!',
          messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        },
      ],
    });
    expect(io.err).toEqual([]);
  });

  it('reads a raw text message from stdin', async () => {
    // Prepare
    const io = captureIo(
      fixtureText('amp/sns-default-message.grouped-3-firing.txt'),
    );

    // Act
    const code = await main(['-'], io);

    // Assess
    const output = JSON.parse(io.out.join('')) as {
      alerts: Array<{ source: string }>;
    };
    expect(code).toBe(0);
    expect(output.alerts.map((alert) => alert.source)).toEqual([
      'alertmanager-text',
      'alertmanager-text',
      'alertmanager-text',
    ]);
  });

  it('fails with one line on stderr when the file cannot be read', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(['/no/such/file.json'], io);

    // Assess
    expect(code).toBe(1);
    expect(io.out).toEqual([]);
    expect(io.err).toEqual(['parse: cannot read /no/such/file.json: ENOENT\n']);
  });

  it('prints usage for --help and refuses a missing file argument', async () => {
    // Prepare
    const help = captureIo();
    const bad = captureIo();

    // Act
    const helpCode = await main(['--help'], help);
    const badCode = await main([], bad);

    // Assess
    expect(helpCode).toBe(0);
    expect(help.out.join('')).toMatch(/^Usage: npm run --silent parse -- FILE/);
    expect(badCode).toBe(2);
    expect(bad.err).toEqual(['parse: expected one FILE (or -); see --help\n']);
  });
});
