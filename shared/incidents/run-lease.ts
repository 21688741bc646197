import type { StoreContext } from './dynamo.ts';
import { IncidentNotFoundError } from './errors.ts';
import { getIncident } from './reads.ts';
import type { ClaimRunInput, Incident } from './types.ts';
import { allOf, type Condition, updateIncident } from './update.ts';

// An opener that died before it could claim leaves no lease; after this
// long with no change a later delivery may run the playbook instead.
const UNCLAIMED_GRACE_MS = 60_000;

const ACTIVE: Condition = {
  expression: '#status IN (:open, :remediating)',
  names: { '#status': 'status' },
  values: { ':open': 'open', ':remediating': 'remediating' },
};

const NO_LEASE = 'attribute_not_exists(#run) OR attribute_type(#run, :null)';

/**
 * Claims the right to run the playbook of an active incident. `start`
 * (after opening or reopening) needs no lease yet; `take-over` (after a
 * join) needs a lease that expired unfinished, a finished dry-run lease
 * when this run is live, or no lease long after the incident changed.
 * Exactly one of any number of concurrent claims wins; the others get null.
 */
export async function claimRun(
  ctx: StoreContext,
  id: string,
  input: ClaimRunInput,
): Promise<Incident | null> {
  const now = ctx.clock();
  const eligible =
    input.mode === 'start' ? startable() : takeable(now, input.dryRun);
  const lease = { token: input.token, until: input.until, done: false };

  const updated = await updateIncident(
    ctx,
    id,
    { run: lease, dryRun: input.dryRun },
    allOf(ACTIVE, eligible),
  );
  return updated.ok ? updated.value : null;
}

/** Marks the lease `token` holds as done; another holder's is untouched. */
export function finishRun(
  ctx: StoreContext,
  id: string,
  token: string,
): Promise<Incident> {
  return endLease(ctx, id, token, true);
}

/**
 * Gives up the lease `token` holds without finishing, so the retry of a
 * failed run takes over at once instead of waiting for the lease to end.
 */
export function releaseRun(
  ctx: StoreContext,
  id: string,
  token: string,
): Promise<Incident> {
  return endLease(ctx, id, token, false);
}

async function endLease(
  ctx: StoreContext,
  id: string,
  token: string,
  done: boolean,
): Promise<Incident> {
  const current = await getIncident(ctx, id);
  if (!current) throw new IncidentNotFoundError(id);
  const now = ctx.clock().toISOString();
  const until = done ? (current.run?.until ?? now) : now;
  const held: Condition = {
    expression: '#run.#token = :token',
    names: { '#run': 'run', '#token': 'token' },
    values: { ':token': token },
  };

  const updated = await updateIncident(
    ctx,
    id,
    { run: { token, until, done } },
    held,
  );
  return updated.ok ? updated.value : current;
}

function startable(): Condition {
  return {
    expression: NO_LEASE,
    names: { '#run': 'run' },
    values: { ':null': 'NULL' },
  };
}

function takeable(now: Date, dryRun: boolean): Condition {
  const clauses = [
    '(#run.#done = :false AND #run.#until <= :now)',
    `((${NO_LEASE}) AND #updated < :grace)`,
  ];
  // A live run may take over an incident a dry-run already planned.
  if (!dryRun) clauses.push('(#run.#done = :true AND #dryRun = :true)');
  return {
    expression: clauses.join(' OR '),
    names: {
      '#run': 'run',
      '#done': 'done',
      '#until': 'until',
      '#updated': 'updatedAt',
      ...(dryRun ? {} : { '#dryRun': 'dryRun' }),
    },
    values: {
      ':false': false,
      ':now': now.toISOString(),
      ':null': 'NULL',
      ':grace': new Date(now.getTime() - UNCLAIMED_GRACE_MS).toISOString(),
      ...(dryRun ? {} : { ':true': true }),
    },
  };
}
