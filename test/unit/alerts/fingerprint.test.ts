import { describe, expect, it } from 'vitest';
import { dedupKey } from '#shared/alerts/dedup-key.ts';
import { fingerprint, isFingerprint } from '#shared/alerts/fingerprint.ts';
import { fixtureJson } from './support.ts';

interface WebhookFixture {
  alerts: Array<{ labels: Record<string, string>; fingerprint: string }>;
}

describe('fingerprint', () => {
  it.each([
    'alertmanager/webhook-resolved-single-with-fingerprint.json',
    'alertmanager/webhook-kube-prometheus-crashlooping-firing.reconstructed.json',
  ])('matches the fingerprint Alertmanager wrote in %s', (path) => {
    // Prepare
    const [alert] = (fixtureJson(path) as WebhookFixture).alerts;

    // Act
    const computed = fingerprint(alert?.labels ?? {});

    // Assess
    expect(computed).toBe(alert?.fingerprint);
  });

  it('matches the fingerprints of the AMP template fixture', () => {
    // Prepare: the template's JSON is valid here, so read it directly.
    const event = fixtureJson(
      'amp/lambda-sns-event.amp-json-template.grouped.constructed.json',
    ) as { Records: Array<{ Sns: { Message: string } }> };
    const message = event.Records[0]?.Sns.Message ?? '';
    const { alerts } = JSON.parse(message) as WebhookFixture;

    // Act
    const computed = alerts.map((alert) => fingerprint(alert.labels));

    // Assess
    expect(computed).toEqual(alerts.map((alert) => alert.fingerprint));
    expect(computed).toEqual([
      'd6ea1d556c99acfc',
      'c03a545b96242ff0',
      '0900e445744083b6',
    ]);
  });

  it('is the FNV-1a offset basis for no labels', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
  });

  it('does not depend on the order of the labels', () => {
    // Prepare
    const one = { namespace: 'tars', alertname: 'TarsEvalEngineDown' };
    const other = { alertname: 'TarsEvalEngineDown', namespace: 'tars' };

    // Act & Assess: value checked with an independent FNV-1a script.
    expect(fingerprint(one)).toBe('c245359de8736ae1');
    expect(fingerprint(other)).toBe('c245359de8736ae1');
  });

  it('keeps a name from running into its value', () => {
    expect(fingerprint({ ab: 'c' })).not.toBe(fingerprint({ a: 'bc' }));
  });

  it('pads to 16 lower-case hex digits', () => {
    expect(isFingerprint(fingerprint({ x: 'y' }))).toBe(true);
    expect(isFingerprint('D6EA1D556C99ACFC')).toBe(false);
  });
});

describe('dedupKey', () => {
  it.each([
    [{ namespace: 'tars', deployment: 'eval', service: 's' }, 'A/tars/eval'],
    [{ namespace: 'tars', service: 'svc', job: 'j' }, 'A/tars/svc'],
    [{ namespace: 'tars', job: 'scrape' }, 'A/tars/scrape'],
    [{ job: 'blackbox-icmp' }, 'A/-/blackbox-icmp'],
    [{}, 'A/-/-'],
    [{ namespace: '', deployment: '' }, 'A/-/-'],
    [
      { namespace: 'tars', deployment: 'eval', agent: 'gpt' },
      'A/tars/eval/gpt',
    ],
    [{ namespace: 'a/b', deployment: '50%' }, 'A/a%2Fb/50%25'],
  ])('keys %j as %s', (labels, expected) => {
    expect(dedupKey('A', labels)).toBe(expected);
  });

  it('encodes a slash in the name so keys stay unambiguous', () => {
    expect(dedupKey('a/b', {})).toBe('a%2Fb/-/-');
  });
});
