import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { NormalizedAlert } from '#shared/alerts/types.ts';
import { isConditionFailure } from '#shared/incidents/dynamo.ts';
import { expiresAt, guardKey, type ItemKey } from '#shared/incidents/table.ts';
import {
  DEFAULT_RATE_LIMIT,
  type PlaybookLimits,
  type RateLimit,
} from './catalog.ts';
import { GuardStoreError } from './errors.ts';
import type { ActionSpec } from './types.ts';

export const GUARD_NAMES = [
  'kill-switch',
  'cap',
  'hands-off',
  'cooldown',
  'rate-limit',
  'silence',
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

/** Whether an action may run; a block names its guard and says why. */
export type GuardDecision =
  | { allowed: true }
  | { allowed: false; guard: GuardName; reason: string };

/** An act as the guards see it. */
export interface ActCheck {
  spec: ActionSpec<unknown>;
  limits: PlaybookLimits;
  /** The run that asks: its own earlier acts do not cool it down. */
  runId: string;
  /** Dry-run reads the counters but never consumes them. */
  dryRun: boolean;
}

/** A silence: while it lasts, matching incidents take no action. */
export interface Silence {
  scope: 'alert' | 'target';
  /** The alert name or the canonical target. */
  key: string;
  until: string;
  by: string;
  reason: string;
}

/** The guards the runtime consults before and after every act. */
export interface Guards {
  checkAct(check: ActCheck): Promise<GuardDecision>;
  /** Starts the target's cooldown after an act that ran. */
  afterAct(check: ActCheck): Promise<void>;
  /** The silence covering this alert or target now, or null. */
  silenceFor(alert: NormalizedAlert, target: string): Promise<Silence | null>;
  addSilence(silence: Silence): Promise<void>;
}

export interface GuardOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  killSwitch: boolean;
  clock?: () => Date;
}

/**
 * Dry-run is on when configured globally or asked for by the invocation; an
 * invocation cannot turn a global dry-run off.
 */
export function isDryRun(configured: boolean, requested?: boolean): boolean {
  return configured || requested === true;
}

const ALLOWED: GuardDecision = { allowed: true };

function block(guard: GuardName, reason: string): GuardDecision {
  return { allowed: false, guard, reason };
}

/**
 * Guards backed by items in the incident table: a counter per action and
 * target and time window, a cooldown item per target, silence items per
 * alert name or target. Each item carries `expiresAt` so DynamoDB TTL
 * clears it.
 */
export function createGuards(options: GuardOptions): Guards {
  const { doc, tableName, killSwitch } = options;
  const clock = options.clock ?? (() => new Date());
  const store = createGuardStore(doc, tableName);

  const checkAct = async (check: ActCheck): Promise<GuardDecision> => {
    if (killSwitch) return block('kill-switch', 'kill switch is on');
    const cap = check.spec.cap?.() ?? null;
    if (cap) return block('cap', cap);
    const handsOff = (await check.spec.handsOff?.()) ?? null;
    if (handsOff) return block('hands-off', handsOff);
    const cooling = await cooldown(store, check, clock());
    if (cooling) return cooling;
    return rateLimit(store, check, clock());
  };

  return {
    checkAct,
    afterAct: (check) => startCooldown(store, check, clock()),
    silenceFor: (alert, target) => findSilence(store, alert, target, clock()),
    addSilence: (silence) => putSilence(store, silence),
  };
}

interface GuardStore {
  get(key: ItemKey): Promise<Record<string, unknown> | null>;
  put(item: Record<string, unknown>): Promise<void>;
  /** ADD 1 when below `limit`; false when the limit is reached. */
  increment(key: ItemKey, limit: number, expiry: number): Promise<boolean>;
  /**
   * Puts a cooldown item unless another run's is still running; false
   * when it is.
   */
  claim(item: CooldownItem, now: number): Promise<boolean>;
}

interface CooldownItem extends ItemKey {
  until: number;
  runId: string;
  action: string;
  expiresAt: number;
}

function createGuardStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
): GuardStore {
  const wrap = async <T>(what: string, call: () => Promise<T>) => {
    try {
      return await call();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new GuardStoreError(`guard ${what} failed`, { cause: error });
    }
  };
  return {
    get: (key) =>
      wrap('read', async () => {
        const got = await doc.send(
          new GetCommand({
            TableName: tableName,
            Key: key,
            ConsistentRead: true,
          }),
        );
        return got.Item ?? null;
      }),
    put: (item) =>
      wrap('write', async () => {
        await doc.send(new PutCommand({ TableName: tableName, Item: item }));
      }),
    increment: (key, limit, expiry) =>
      wrap('count', () => increment(doc, tableName, key, limit, expiry)),
    claim: (item, now) =>
      wrap('cooldown', () => claimCooldown(doc, tableName, item, now)),
  };
}

async function claimCooldown(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: CooldownItem,
  now: number,
): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression:
          'attribute_not_exists(pk) OR #until <= :now OR runId = :run',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now, ':run': item.runId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function increment(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: ItemKey,
  limit: number,
  expiry: number,
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'ADD #count :one SET expiresAt = :expiry',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': limit,
          ':expiry': expiry,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

function cooldownKey(target: string): ItemKey {
  return guardKey('cooldown', target);
}

/**
 * Blocks when another run acted on the target within its cooldown. A live
 * check claims the cooldown with a conditional put, so of two runs racing
 * for one target only one gets through.
 */
async function cooldown(
  store: GuardStore,
  check: ActCheck,
  now: Date,
): Promise<GuardDecision | null> {
  const item = cooldownItem(check, now);
  const free = check.dryRun
    ? await readOnlyFree(store, check, now)
    : await store.claim(item, now.getTime());
  if (free) return null;

  const held = await store.get(cooldownKey(check.spec.target));
  const left = Math.ceil((Number(held?.until ?? 0) - now.getTime()) / 1000);
  return block(
    'cooldown',
    `${check.spec.target} was acted on recently; cooling down ` +
      `${Math.max(left, 1)}s more`,
  );
}

async function readOnlyFree(
  store: GuardStore,
  check: ActCheck,
  now: Date,
): Promise<boolean> {
  const item = await store.get(cooldownKey(check.spec.target));
  if (!item || item.runId === check.runId) return true;
  return !(Number(item.until) > now.getTime());
}

function cooldownItem(check: ActCheck, now: Date): CooldownItem {
  return {
    ...cooldownKey(check.spec.target),
    until: now.getTime() + check.limits.cooldownMs,
    runId: check.runId,
    action: check.spec.action,
    expiresAt: expiresAt(now, check.limits.cooldownMs),
  };
}

/** The cooldown runs from the end of the act, not its start. */
async function startCooldown(
  store: GuardStore,
  check: ActCheck,
  now: Date,
): Promise<void> {
  await store.put({ ...cooldownItem(check, now) });
}

function limitFor(check: ActCheck): RateLimit {
  return check.limits.rateLimits[check.spec.action] ?? DEFAULT_RATE_LIMIT;
}

/**
 * A fixed window per action and target (the window's start is in the sort
 * key); the atomic ADD with a `< limit` condition lets exactly `limit` acts
 * through per window however many run at once.
 */
async function rateLimit(
  store: GuardStore,
  check: ActCheck,
  now: Date,
): Promise<GuardDecision> {
  const { limit, windowMs } = limitFor(check);
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const key = guardKey(
    `rate:${check.spec.action}`,
    check.spec.target,
    `WINDOW#${new Date(start).toISOString()}`,
  );
  const allowed = check.dryRun
    ? Number((await store.get(key))?.count ?? 0) < limit
    : await store.increment(
        key,
        limit,
        expiresAt(new Date(start), windowMs * 2),
      );
  if (allowed) return ALLOWED;

  const minutes = Math.round(windowMs / 60_000);
  return block(
    'rate-limit',
    `${check.spec.action} of ${check.spec.target} already ran ${limit} ` +
      `times in this ${minutes}-minute window`,
  );
}

function silenceKey(scope: Silence['scope'], key: string): ItemKey {
  return guardKey('silence', `${scope}:${key}`);
}

async function findSilence(
  store: GuardStore,
  alert: NormalizedAlert,
  target: string,
  now: Date,
): Promise<Silence | null> {
  const items = await Promise.all([
    store.get(silenceKey('alert', alert.name)),
    store.get(silenceKey('target', target)),
  ]);
  const active = items.find(
    (item) => item && Date.parse(String(item.until)) > now.getTime(),
  );
  if (!active) return null;

  return {
    scope: active.scope === 'target' ? 'target' : 'alert',
    key: String(active.key),
    until: String(active.until),
    by: String(active.by),
    reason: String(active.reason),
  };
}

async function putSilence(store: GuardStore, silence: Silence): Promise<void> {
  const until = Date.parse(silence.until);
  if (Number.isNaN(until)) {
    throw new GuardStoreError(`silence until ${silence.until} is not a time`);
  }

  await store.put({
    ...silenceKey(silence.scope, silence.key),
    ...silence,
    expiresAt: Math.floor(until / 1000),
  });
}
