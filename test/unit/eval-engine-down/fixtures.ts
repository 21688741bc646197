import { readFileSync } from 'node:fs';

/** Reads a fixture under test/fixtures as text. */
export function fixtureText(path: string): string {
  return readFileSync(
    new URL(`../../fixtures/${path}`, import.meta.url),
    'utf8',
  );
}

/** Reads a JSON fixture under test/fixtures as the type asked for. */
export function fixture<T>(path: string): T {
  return JSON.parse(fixtureText(path)) as T;
}
