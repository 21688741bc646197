import { logger } from '#shared/logger.ts';
import type { Channel, Tier } from './catalog.ts';
import { reasonOf } from './recorder.ts';
import { messageFor, moveTo, type RunState } from './run-state.ts';

/** The tiers an escalation pages now: tier 1 plus the entry's immediate. */
export function tiersToPage(run: RunState): Tier[] {
  const tiers = new Set<Tier>([1, ...run.entry.escalation.immediatePages]);
  return [...tiers].sort((a, b) => a - b);
}

/**
 * Pages tier 1 and the entry's immediate tiers, raises the incident's tier,
 * moves it to `escalated` and tells the channel. In dry-run each page is
 * recorded as `skipped`, the status stays, and the channel hears what
 * would have happened.
 */
export async function escalate(run: RunState, reason: string): Promise<Tier[]> {
  const paged: Tier[] = [];
  for (const tier of tiersToPage(run)) {
    if (await page(run, tier, reason)) paged.push(tier);
  }
  if (run.dryRun) {
    await tellChannel(run, 'notify-would-escalate', 'would escalate', {
      reason,
    });
    return paged;
  }

  const highest = Math.max(0, ...paged);
  if (highest > run.incident.tier) {
    await run.store.setTier(run.incident.id, highest);
  }
  await moveTo(run, 'escalated', ['open', 'remediating']);
  await tellChannel(run, 'notify-escalated', 'escalated', { reason, paged });
  return paged;
}

async function page(
  run: RunState,
  tier: Tier,
  reason: string,
): Promise<boolean> {
  const done = run.recorder.start();
  const step = `page-tier-${tier}`;
  if (run.dryRun) {
    await done({
      step,
      kind: 'escalate',
      outcome: 'skipped',
      tier,
      reason: 'dry-run',
    });
    return false;
  }

  try {
    const body = {
      reason,
      tier,
      target: run.target,
      playbook: run.entry.playbook,
    };
    await run.notifier.page(tier, messageFor(run, `paging tier ${tier}`, body));
  } catch (error) {
    logger.error('page failed', { incident_id: run.incident.id, tier, error });
    await done({
      step,
      kind: 'escalate',
      outcome: 'failed',
      tier,
      reason: reasonOf(error),
    });
    return false;
  }
  await done({ step, kind: 'escalate', outcome: 'paged', tier, reason });
  return true;
}

/**
 * Posts to the entry's channel and records a `notify` step: `ok`, or
 * `failed` with the error (e.g. a missing topic). Channels are told
 * everything, dry-runs too, with a `[dry-run]` subject, so people can watch
 * what the automation would do before it acts.
 */
export async function tellChannel(
  run: RunState,
  step: string,
  subject: string,
  body: unknown,
  channel: Channel = run.entry.channel,
): Promise<void> {
  const done = run.recorder.start();
  const title = run.dryRun ? `[dry-run] ${subject}` : subject;

  try {
    await run.notifier.channel(channel, messageFor(run, title, body));
  } catch (error) {
    logger.error('channel message failed', {
      incident_id: run.incident.id,
      channel,
      error,
    });
    await done({
      step,
      kind: 'notify',
      outcome: 'failed',
      reason: reasonOf(error),
      after: { channel, subject: title },
    });
    return;
  }
  await done({
    step,
    kind: 'notify',
    outcome: 'ok',
    after: { channel, subject: title },
  });
}
