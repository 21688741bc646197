import { ApiStatusError } from './errors.ts';
import type { KubeObject, LabelSelector, Labels } from './types.ts';

type Requirement = (labels: Labels) => boolean;

/** Splits on commas that are not inside `in (a,b)` parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  terms.push(current.trim());
  return terms.filter((term) => term.length > 0);
}

const SET_TERM = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQUALITY_TERM = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/;
const EXISTS_TERM = /^(!?)([\w./-]+)$/;

function parseTerm(term: string): Requirement {
  const set = SET_TERM.exec(term);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    const has = (l: Labels) => l[key] !== undefined;
    if (op === 'in') return (l) => has(l) && values.includes(l[key] ?? '');
    return (l) => !has(l) || !values.includes(l[key] ?? '');
  }
  const equality = EQUALITY_TERM.exec(term);
  if (equality) {
    const [, key = '', op, value = ''] = equality;
    if (op === '!=') return (l) => l[key] !== value;
    return (l) => l[key] === value;
  }
  const exists = EXISTS_TERM.exec(term);
  if (exists) {
    const [, negate, key = ''] = exists;
    return (l) => (l[key] !== undefined) !== (negate === '!');
  }
  throw new ApiStatusError(
    400,
    'BadRequest',
    `unable to parse requirement: ${term}`,
  );
}

/** Compiles a `labelSelector` query string; empty matches everything. */
export function parseLabelSelector(text: string | null): Requirement {
  const requirements = splitTerms(text ?? '').map(parseTerm);
  return (labels) => requirements.every((matches) => matches(labels));
}

/** Reads a dotted path such as `involvedObject.name` from an object. */
function readPath(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (!current || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? '' : String(current);
}

/** Compiles a `fieldSelector` (`a.b=c`, `a.b==c`, `a.b!=c`, comma-joined). */
export function parseFieldSelector(
  text: string | null,
): (object: KubeObject) => boolean {
  const tests = splitTerms(text ?? '').map((term) => {
    const match = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) {
      throw new ApiStatusError(
        400,
        'BadRequest',
        `invalid field selector: ${term}`,
      );
    }
    const [, path = '', op, value = ''] = match;
    return (o: KubeObject) => (readPath(o, path) === value) !== (op === '!=');
  });
  return (object) => tests.every((test) => test(object));
}

/** Whether labels satisfy a structured `LabelSelector` (matchLabels etc.). */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Labels | undefined,
): boolean {
  if (!selector) return false;
  const actual = labels ?? {};
  const plain = Object.entries(selector.matchLabels ?? {}).every(
    ([key, value]) => actual[key] === value,
  );
  const expressions = (selector.matchExpressions ?? []).every((e) => {
    const value = actual[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In')
      return value !== undefined && values.includes(value);
    if (e.operator === 'NotIn')
      return value === undefined || !values.includes(value);
    if (e.operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
  return plain && expressions;
}
