import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { isConditionFailure } from '#shared/incidents/dynamo.ts';
import {
  IncidentConflictError,
  IncidentStoreError,
} from '#shared/incidents/errors.ts';
import { createIncidentStore } from '#shared/incidents/store.ts';

const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1' }),
);
const dynamo = mockClient(doc);
const store = createIncidentStore({ doc, tableName: 'incidents' });

function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} from the service`), {
    name,
    ...extra,
  });
}

const stored = {
  pk: 'INCIDENT#inc-1',
  sk: 'INCIDENT',
  id: 'inc-1',
  status: 'escalated',
  version: 4,
};

afterEach(() => {
  dynamo.reset();
});

describe('incident store errors', () => {
  it('wraps a failed read in an error that says what was asked', async () => {
    // Prepare
    const cause = awsError('ProvisionedThroughputExceededException');
    dynamo.on(GetCommand).rejects(cause);

    // Act
    const attempt = store.get('inc-1');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(IncidentStoreError);
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringMatching(
        /^get incident inc-1 failed \(ProvisionedThroughputExceededException/,
      ),
      cause,
    });
  });

  it('wraps a failed timeline query', async () => {
    // Prepare
    dynamo.on(QueryCommand).rejects(awsError('ResourceNotFoundException'));

    // Act
    const attempt = store.timeline('inc-1');

    // Assess
    await expect(attempt).rejects.toThrow(
      /read timeline of incident inc-1 failed \(ResourceNotFoundException/,
    );
  });

  it('turns a failed condition into a conflict with the current state', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .rejects(awsError('ConditionalCheckFailedException'));
    dynamo.on(GetCommand).resolves({ Item: stored });

    // Act
    const attempt = store.transition('inc-1', {
      from: ['open'],
      to: 'remediating',
      expectedVersion: 3,
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(IncidentConflictError);
    await expect(attempt).rejects.toThrow(
      'cannot transition to remediating incident inc-1: expected status in ' +
        '[open] and version 3, found status escalated at version 4',
    );
  });

  it('does not mistake other write failures for a lost race', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(awsError('ValidationException'));

    // Act
    const attempt = store.setFlags('inc-1', { silenced: true });

    // Assess
    await expect(attempt).rejects.toThrow(
      /^update incident inc-1 failed \(ValidationException/,
    );
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('wraps a failed step write with the step name', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(awsError('ItemCollectionSizeLimitExceeded'));

    // Act
    const attempt = store.appendStep('inc-1', {
      at: '2026-05-23T07:54:10.560Z',
      step: 'restart-deployment',
      kind: 'act',
      target: null,
      outcome: 'ok',
      dryRun: false,
      before: null,
      after: null,
      reason: null,
      durationMs: 3,
    });

    // Assess
    await expect(attempt).rejects.toThrow(
      /^append step restart-deployment to incident inc-1 failed/,
    );
  });

  it('rejects a timeline entry whose time cannot be read', async () => {
    // Act
    const attempt = store.appendStep('inc-1', {
      at: 'yesterday-ish',
      step: 'note',
      kind: 'human',
      target: null,
      outcome: 'ok',
      dryRun: false,
      before: null,
      after: null,
      reason: null,
      durationMs: 0,
    });

    // Assess
    await expect(attempt).rejects.toThrow(
      'timeline entry time is not a valid time: yesterday-ish',
    );
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('isConditionFailure', () => {
  it.each([
    ['a failed condition', awsError('ConditionalCheckFailedException'), true],
    [
      'a transaction cancelled by a condition',
      awsError('TransactionCanceledException', {
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed' },
        ],
      }),
      true,
    ],
    [
      'a transaction cancelled by a conflict',
      awsError('TransactionCanceledException', {
        CancellationReasons: [{ Code: 'TransactionConflict' }],
      }),
      false,
    ],
    ['throttling', awsError('ThrottlingException'), false],
    ['a string', 'ConditionalCheckFailedException', false],
  ])('recognizes %s', (_, error, expected) => {
    // Act
    const result = isConditionFailure(error);

    // Assess
    expect(result).toBe(expected);
  });
});
