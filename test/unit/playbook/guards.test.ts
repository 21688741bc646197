import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { GuardStoreError } from '#shared/playbook/errors.ts';
import {
  type ActCheck,
  createGuards,
  isDryRun,
} from '#shared/playbook/guards.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const docMock = mockClient(doc);

const check: ActCheck = {
  spec: {
    action: 'restart',
    target: 'tars/deployment/tars-eval-engine',
    read: async () => ({}),
    plan: {},
    apply: async () => ({}),
  },
  limits: { cooldownMs: 600_000, rateLimits: {} },
  runId: 'run-1',
  dryRun: false,
};

const guards = (killSwitch = false) =>
  createGuards({ doc, tableName: 't', killSwitch });

describe('guards', () => {
  beforeEach(() => {
    docMock.reset();
    docMock.on(GetCommand).resolves({});
    docMock.on(UpdateCommand).resolves({});
  });

  it.each([
    [false, undefined, false],
    [false, true, true],
    [true, false, true],
    [true, undefined, true],
  ])('dry-run configured %s, asked %s → %s', (configured, asked, want) => {
    expect(isDryRun(configured, asked)).toBe(want);
  });

  it('stops at the kill switch before reading any counter', async () => {
    // Act
    const decision = await guards(true).checkAct(check);

    // Assess
    expect(decision).toMatchObject({ allowed: false, guard: 'kill-switch' });
    expect(docMock.calls()).toHaveLength(0);
  });

  it('counts with an atomic add under the limit and a TTL', async () => {
    // Act
    const decision = await guards().checkAct(check);

    // Assess
    expect(decision.allowed).toBe(true);
    const [update] = docMock.commandCalls(UpdateCommand);
    const input = update?.args[0].input;
    expect(input?.UpdateExpression).toContain('ADD #count :one');
    expect(input?.ConditionExpression).toContain('#count < :limit');
    expect(input?.ExpressionAttributeValues?.[':limit']).toBe(3);
    expect(input?.Key?.pk).toBe(
      'GUARD#rate:restart#tars/deployment/tars-eval-engine',
    );
  });

  it('blocks when the counter is at its limit', async () => {
    // Prepare
    const failed = Object.assign(new Error('condition'), {
      name: 'ConditionalCheckFailedException',
    });
    docMock.on(UpdateCommand).rejects(failed);

    // Act
    const decision = await guards().checkAct(check);

    // Assess
    expect(decision).toMatchObject({ allowed: false, guard: 'rate-limit' });
  });

  it('wraps a DynamoDB failure instead of allowing the act', async () => {
    // Prepare
    docMock.onAnyCommand().rejects(new Error('throttled'));

    // Act
    const checking = guards().checkAct(check);

    // Assess
    await expect(checking).rejects.toBeInstanceOf(GuardStoreError);
  });
});
