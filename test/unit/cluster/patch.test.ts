import { describe, expect, it } from 'vitest';
import {
  jsonPatch,
  mergePatch,
  patcherFor,
  strategicMergePatch,
} from '#local/cluster/patch.ts';

const template = {
  spec: {
    containers: [
      {
        name: 'eval-engine',
        image: 'a:1',
        resources: { limits: { memory: '4Gi', cpu: '2' } },
      },
      { name: 'sidecar', image: 'b:1' },
    ],
  },
};

describe('patches by content type', () => {
  it('merges containers by name in a strategic merge patch', () => {
    // Act
    const result = strategicMergePatch(template, {
      spec: {
        containers: [
          { name: 'eval-engine', resources: { limits: { memory: '8Gi' } } },
        ],
      },
    });

    // Assess
    expect(result).toEqual({
      spec: {
        containers: [
          {
            name: 'eval-engine',
            image: 'a:1',
            resources: { limits: { memory: '8Gi', cpu: '2' } },
          },
          { name: 'sidecar', image: 'b:1' },
        ],
      },
    });
  });

  it('deletes a container named with $patch: delete', () => {
    // Act
    const result = strategicMergePatch(template, {
      spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] },
    }) as typeof template;

    // Assess
    expect(result.spec.containers.map((c) => c.name)).toEqual(['eval-engine']);
  });

  it('replaces whole lists in a merge patch', () => {
    // Act
    const result = mergePatch(template, {
      spec: { containers: [{ name: 'x', image: 'x:1' }] },
    });

    // Assess
    expect(result).toEqual({
      spec: { containers: [{ name: 'x', image: 'x:1' }] },
    });
  });

  it('removes keys set to null', () => {
    // Act
    const result = mergePatch({ a: 1, b: { c: 2 } }, { b: null });

    // Assess
    expect(result).toEqual({ a: 1 });
  });

  it.each([
    [[{ op: 'add', path: '/a/-', value: 3 }], { a: [1, 2, 3] }],
    [[{ op: 'remove', path: '/a/0' }], { a: [2] }],
    [[{ op: 'replace', path: '/a/1', value: 9 }], { a: [1, 9] }],
    [[{ op: 'copy', from: '/a', path: '/b' }], { a: [1, 2], b: [1, 2] }],
    [[{ op: 'move', from: '/a', path: '/b' }], { b: [1, 2] }],
  ])('applies json patch %j', (operations, expected) => {
    // Act
    const result = jsonPatch({ a: [1, 2] }, operations);

    // Assess
    expect(result).toEqual(expected);
  });

  it('rejects a json patch whose test fails, leaving the input alone', () => {
    // Prepare
    const input = { a: 1 };

    // Act
    const attempt = () =>
      jsonPatch(input, [
        { op: 'replace', path: '/a', value: 2 },
        { op: 'test', path: '/a', value: 1 },
      ]);

    // Assess
    expect(attempt).toThrow(/test failed/);
    expect(input).toEqual({ a: 1 });
  });

  it.each([
    ['application/strategic-merge-patch+json', true],
    ['application/merge-patch+json; charset=utf-8', true],
    ['application/json-patch+json', true],
    ['application/apply-patch+yaml', false],
    [undefined, false],
  ])('knows whether %s is a patch type it applies', (type, known) => {
    // Act
    const patcher = patcherFor(type);

    // Assess
    expect(patcher !== null).toBe(known);
  });
});
