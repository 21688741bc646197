import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseEvent, toParseOutput } from '#shared/alerts/intake.ts';
import { logger } from '#shared/logger.ts';

const USAGE = `Usage: npm run --silent parse -- FILE

Reads FILE (or - for stdin): a Lambda SNS event, an SQS event, an SNS
notification, or a raw alert message (JSON or text), and prints
{ "alerts": [...], "rejected": [...] } as JSON. Exits 0 even when records
are rejected; 1 when the file cannot be read, 2 on bad usage.

Options:
  -h, --help  show this help
`;

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  },
};

/**
 * Runs the parse CLI and returns its exit code.
 *
 * @example await main(['test/fixtures/alerts/sns-event.json'])
 */
export async function main(argv: string[], io = processIo): Promise<number> {
  const args = readArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`parse: ${args}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }

  const text = await readInput(args.file, io);
  if (text.ok === false) {
    io.stderr(`parse: cannot read ${args.file}: ${text.reason}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(parseText(text.value), null, 2)}\n`);
  return 0;
}

/** Parses the text as the event it holds: JSON when it is, else raw text. */
export function parseText(text: string) {
  // The JSON output is the CLI's report; rejection logs would only repeat it.
  logger.setLogLevel('SILENT');
  return toParseOutput(parseEvent(jsonOrText(text)));
}

function readArgs(argv: string[]): { help: boolean; file: string } | string {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
    });
    if (values.help) return { help: true, file: '' };
    if (positionals.length !== 1) return 'expected one FILE (or -); see --help';
    return { help: false, file: positionals[0] ?? '' };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function readInput(
  file: string,
  io: CliIo,
): Promise<{ ok: true; value: string } | { ok: false; reason: string }> {
  try {
    const value =
      file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
    return { ok: true, value };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code ?? String(error) };
  }
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: a raw text message (or broken JSON the readers repair).
    return text;
  }
}

if (import.meta.main) {
  // A reader that stops early (| head) is not an error of the parser's.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.exitCode = await main(process.argv.slice(2));
}
