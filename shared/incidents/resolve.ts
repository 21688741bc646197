import type { NormalizedAlert } from '#shared/alerts/types.ts';
import { logger } from '#shared/logger.ts';
import type { StoreContext } from './dynamo.ts';
import { IncidentStoreError } from './errors.ts';
import { isoTime } from './items.ts';
import { loadIncident, readPointer } from './reads.ts';
import type { ResolveResult } from './types.ts';
import { statusFields, updateIncident, versionIs } from './update.ts';

// As in openOrJoin: every retry follows a write by someone else.
const MAX_ATTEMPTS = 8;

/**
 * Resolves the current incident of the alert's dedup key. A resolution
 * older than the last firing event is `stale` and changes nothing: it
 * belongs to an earlier episode that arrived late.
 */
export async function resolveByAlert(
  ctx: StoreContext,
  alert: NormalizedAlert,
  eventAt: string,
): Promise<ResolveResult> {
  const at = isoTime(eventAt, 'eventAt');
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const result = await settle(ctx, alert.dedupKey, at);
    if (result) return result;
  }
  throw new IncidentStoreError(
    `resolve for ${alert.dedupKey} lost ${MAX_ATTEMPTS} races to ` +
      'concurrent writers',
  );
}

async function settle(
  ctx: StoreContext,
  dedupKey: string,
  eventAt: string,
): Promise<ResolveResult | null> {
  const pointer = await readPointer(ctx, dedupKey);
  if (!pointer) return { action: 'not-found', incident: null };

  const current = await loadIncident(ctx, pointer);
  if (current.status === 'resolved') {
    return { action: 'already-resolved', incident: current };
  }
  if (Date.parse(eventAt) < Date.parse(current.lastEventAt)) {
    return { action: 'stale', incident: current };
  }

  const updated = await updateIncident(
    ctx,
    current.id,
    { ...statusFields('resolved'), resolvedAt: eventAt, lastEventAt: eventAt },
    versionIs(current.version),
  );
  if (!updated.ok) return null;
  logger.info('incident resolved', {
    incident_id: current.id,
    dedup_key: dedupKey,
  });
  return { action: 'resolved', incident: updated.value };
}
