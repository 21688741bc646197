import { PatchError } from './errors.ts';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON merge patch: objects merge, null deletes, arrays replace. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Merge keys of the lists a strategic merge patch merges element-wise, as
 * declared in the Kubernetes API types (`patchMergeKey`). Keyed by field
 * name, which is enough for the pod templates this simulator patches.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ports: 'containerPort',
  conditions: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

function mergeList(key: string, target: unknown, patch: unknown[]): unknown {
  const mergeKey = MERGE_KEYS[key];
  if (!mergeKey || !Array.isArray(target)) return structuredClone(patch);
  const result = [...target];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = result.findIndex(
      (existing) => isObject(existing) && existing[mergeKey] === item[mergeKey],
    );
    const { $patch: directive, ...rest } = item;
    if (directive === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], rest);
    } else {
      result.push(strategicMergePatch({}, rest));
    }
  }
  return result;
}

/**
 * Strategic merge patch: like a merge patch, but lists with a merge key
 * (containers by name, env by name, …) merge element by element, and the
 * `$patch` / `$setElementOrder` directives kubectl sends are honoured or
 * dropped.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return structuredClone(rest);
  }
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else if (Array.isArray(value))
      result[key] = mergeList(key, result[key], value);
    else result[key] = strategicMergePatch(result[key], value);
  }
  return result;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

const unescapeToken = (token: string) =>
  token.replaceAll('~1', '/').replaceAll('~0', '~');

function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(`invalid JSON pointer "${pointer}"`);
  }
  return pointer.slice(1).split('/').map(unescapeToken);
}

function child(container: unknown, token: string, pointer: string): unknown {
  if (Array.isArray(container)) return container[Number(token)];
  if (isObject(container)) return container[token];
  throw new PatchError(`path "${pointer}" does not exist`);
}

function read(document: unknown, pointer: string): unknown {
  let current = document;
  for (const token of splitPointer(pointer)) {
    current = child(current, token, pointer);
    if (current === undefined) {
      throw new PatchError(`path "${pointer}" does not exist`);
    }
  }
  return current;
}

function parentOf(document: unknown, pointer: string) {
  const tokens = splitPointer(pointer);
  const last = tokens.pop();
  if (last === undefined) throw new PatchError('cannot change the root');
  const parent = read(document, tokens.map((t) => `/${t}`).join(''));
  return { parent, last };
}

function add(document: unknown, pointer: string, value: unknown): void {
  const { parent, last } = parentOf(document, pointer);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!(index >= 0 && index <= parent.length)) {
      throw new PatchError(`index out of range in "${pointer}"`);
    }
    parent.splice(index, 0, structuredClone(value));
  } else if (isObject(parent)) {
    parent[last] = structuredClone(value);
  } else {
    throw new PatchError(`path "${pointer}" does not exist`);
  }
}

function remove(document: unknown, pointer: string): unknown {
  const { parent, last } = parentOf(document, pointer);
  const value = read(document, pointer);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent)) delete parent[last];
  return value;
}

function testValue(document: unknown, op: JsonPatchOperation): void {
  const actual = JSON.stringify(read(document, op.path));
  if (actual !== JSON.stringify(op.value)) {
    throw new PatchError(`test failed at "${op.path}"`);
  }
}

const OPERATIONS: Record<string, (d: unknown, op: JsonPatchOperation) => void> =
  {
    add: (d, op) => add(d, op.path, op.value),
    remove: (d, op) => {
      remove(d, op.path);
    },
    replace: (d, op) => {
      remove(d, op.path);
      add(d, op.path, op.value);
    },
    move: (d, op) => add(d, op.path, remove(d, op.from ?? '')),
    copy: (d, op) => add(d, op.path, read(d, op.from ?? '')),
    test: testValue,
  };

function applyOperation(document: unknown, op: JsonPatchOperation): void {
  const apply = OPERATIONS[op.op];
  if (!apply) throw new PatchError(`unknown JSON patch operation "${op.op}"`);
  apply(document, op);
}

/** RFC 6902 JSON patch, all or nothing. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw new PatchError('a JSON patch must be an array of operations');
  }
  const document = structuredClone(target);
  for (const operation of operations) {
    if (!isObject(operation) || typeof operation.path !== 'string') {
      throw new PatchError('each JSON patch operation needs op and path');
    }
    applyOperation(document, operation as unknown as JsonPatchOperation);
  }
  return document;
}

export const PATCH_CONTENT_TYPES = {
  'application/strategic-merge-patch+json': strategicMergePatch,
  'application/merge-patch+json': mergePatch,
  'application/json-patch+json': jsonPatch,
} as const;

/** The patch function for a Content-Type header, or null (415). */
export function patcherFor(
  contentType: string | undefined,
): ((target: unknown, patch: unknown) => unknown) | null {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (media in PATCH_CONTENT_TYPES) {
    return PATCH_CONTENT_TYPES[media as keyof typeof PATCH_CONTENT_TYPES];
  }
  return null;
}
