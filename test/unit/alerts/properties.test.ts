import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEvent } from '#shared/alerts/intake.ts';
import { ALERT_STATUSES, type IntakeResult } from '#shared/alerts/types.ts';
import { logger } from '#shared/logger.ts';
import { fixtureJson, fixtureText, snsEvent } from './support.ts';

beforeAll(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});

afterAll(() => {
  vi.restoreAllMocks();
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function recordCount(event: unknown): number {
  if (typeof event !== 'object' || event === null) return 1;
  const records = (event as { Records?: unknown }).Records;
  return Array.isArray(records) ? Math.max(1, records.length) : 1;
}

/** Every record is delivered or rejected; every alert keeps the contract. */
function assertAccounted(event: unknown, result: IntakeResult): void {
  const seen = new Set([
    ...result.delivered.map((d) => d.record),
    ...result.rejected.map((r) => r.record),
  ]);
  const count = recordCount(event);
  expect([...seen].sort((a, b) => a - b)).toEqual(
    Array.from({ length: count }, (_, index) => index),
  );
  for (const rejection of result.rejected) {
    expect(rejection.reason).not.toMatch(/^internal error/);
    expect(Buffer.byteLength(rejection.excerpt)).toBeLessThanOrEqual(2048);
  }
  for (const { alert } of result.delivered) {
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(ALERT_STATUSES).toContain(alert.status);
    for (const time of [alert.startsAt, alert.endsAt]) {
      if (time !== null) expect(time).toMatch(ISO);
    }
  }
}

function messageOf(path: string): string {
  const event = fixtureJson(path) as {
    Records: Array<{ Sns: { Message: string } }>;
  };
  return event.Records[0]?.Sns.Message ?? '';
}

const messages = [
  fixtureText('alertmanager/webhook-grouped-firing-3-alerts.json'),
  fixtureText(
    'alertmanager/webhook-kube-prometheus-crashlooping-resolved.reconstructed.json',
  ),
  fixtureText('amp/sns-default-message.grouped-3-firing.txt'),
  messageOf(
    'amp/lambda-sns-event.amp-default-text.kube-crashlooping.constructed.json',
  ),
  messageOf('amp/lambda-sns-event.amp-json-template.grouped.constructed.json'),
  messageOf(
    'cloudwatch/lambda-sns-event.cw-alarm-ALARM-lambda-concurrency.json',
  ),
  fixtureText('cloudwatch/cw-alarm-message.OK-ecs-two-dimensions.json'),
];

/** Cuts, overwrites or inserts (a quote, a brace, a newline) at a spot. */
const mangled = fc
  .tuple(
    fc.constantFrom(...messages),
    fc.array(
      fc.tuple(
        fc.constantFrom('cut', 'flip', 'insert'),
        fc.nat(),
        fc.constantFrom('"', '\\', '{', '}', '\n', '=', 'x', '\u00ff'),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([text, edits]) => edits.reduce(applyEdit, text));

function applyEdit(
  text: string,
  [kind, spot, char]: [string, number, string],
): string {
  const at = text.length === 0 ? 0 : spot % text.length;
  if (kind === 'cut') return text.slice(0, at);
  if (kind === 'flip') return text.slice(0, at) + char + text.slice(at + 1);
  return text.slice(0, at) + char + text.slice(at);
}

describe('parseEvent on arbitrary input', () => {
  it('never throws on any JSON value and accounts for it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (event) => {
        assertAccounted(event, parseEvent(event));
      }),
    );
  });

  it('accounts for every record of an event of random records', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), (records) => {
        const event = { Records: records };
        assertAccounted(event, parseEvent(event));
      }),
    );
  });

  it('never throws on random message text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' })), (texts) => {
        const event = snsEvent(texts.length ? texts : ['']);
        assertAccounted(event, parseEvent(event));
      }),
    );
  });

  it('reads mangled fixture messages without losing a record', () => {
    fc.assert(
      fc.property(
        fc.array(mangled, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (texts, cut) => {
          const attributes: Record<string, { Type: string; Value: string }> =
            cut ? { truncated: { Type: 'String', Value: 'true' } } : {};
          const event = snsEvent(texts, { attributes });
          assertAccounted(event, parseEvent(event));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('still reads a fixture whose last alert was cut off', () => {
    fc.assert(
      fc.property(fc.constantFrom(...messages.slice(0, 5)), (text) => {
        // Prepare: cut inside the last alert's labels.
        const cut = text.slice(0, text.lastIndexOf('alertname') + 3);
        const event = snsEvent([text, cut]);

        // Act
        const result = parseEvent(event);

        // Assess
        assertAccounted(event, result);
        expect(result.delivered.some((d) => d.record === 0)).toBe(true);
      }),
    );
  });
});
