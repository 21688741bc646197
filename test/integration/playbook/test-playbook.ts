import type { NormalizedAlert } from '#shared/alerts/types.ts';
import type { Notifier, NotifyMessage } from '#shared/notify/sns.ts';
import {
  type Channel,
  type Tier,
  targetKey,
} from '#shared/playbook/catalog.ts';
import type { Playbook } from '#shared/playbook/types.ts';

/** An in-memory workload the test playbook diagnoses and restarts. */
export interface Thing {
  healthy: boolean;
  restarts: number;
  /** Restarting heals it unless this is set. */
  stuck: boolean;
  /** Set to make apply throw. */
  failApply: boolean;
  rollout: string | null;
  memory: string;
}

export function newThing(): Thing {
  return {
    healthy: false,
    restarts: 0,
    stuck: false,
    failApply: false,
    rollout: null,
    memory: '4Gi',
  };
}

/** A tiny playbook: read the thing, restart it, check it came back. */
export function restartPlaybook(
  options: { memory?: string; name?: string } = {},
): Playbook<{ thing: Thing }> {
  return {
    name: options.name ?? 'eval-engine-down',
    async run(ctx) {
      const { thing } = ctx.deps;
      const state = await ctx.diagnose('read-thing', async () => ({
        healthy: thing.healthy,
        restarts: thing.restarts,
      }));
      if (state.healthy) return { status: 'mitigated', reason: 'healthy' };
      if (options.memory) await raiseMemory(ctx, thing, options.memory);
      await ctx.act('restart-thing', {
        action: 'restart',
        target: targetKey(ctx.target),
        read: async () => ({ restarts: thing.restarts }),
        plan: { restarts: thing.restarts + 1 },
        apply: async () => restart(thing),
        handsOff: async () =>
          thing.rollout ? `rollout ${thing.rollout} in progress` : null,
      });
      if (ctx.dryRun) return { status: 'planned', reason: 'would restart' };
      const ok = await ctx.verify('thing-healthy', async () => ({
        ok: thing.healthy,
        detail: { healthy: thing.healthy },
        reason: thing.healthy ? undefined : 'still unhealthy',
      }));
      return ok
        ? { status: 'mitigated', reason: 'restart healed it' }
        : { status: 'escalate', step: 'escalate-unfixable', reason: 'stuck' };
    },
  };
}

function restart(thing: Thing): { restarts: number } {
  if (thing.failApply) throw new Error('api server said 500');
  thing.restarts += 1;
  thing.healthy = !thing.stuck;
  return { restarts: thing.restarts };
}

async function raiseMemory(
  ctx: Parameters<Playbook<{ thing: Thing }>['run']>[0],
  thing: Thing,
  memory: string,
): Promise<void> {
  await ctx.act('raise-memory-limit', {
    action: 'raise-memory',
    target: targetKey(ctx.target),
    read: async () => ({ memory: thing.memory }),
    plan: { memory },
    apply: async () => {
      thing.memory = memory;
      return { memory };
    },
    cap: () => (memory === '32Gi' ? 'memory 32Gi is over the 16Gi cap' : null),
  });
}

/** A notifier that keeps what it was asked to send. */
export function recordingNotifier(): Notifier & {
  pages: { tier: Tier; message: NotifyMessage }[];
  posts: { channel: Channel; message: NotifyMessage }[];
} {
  const pages: { tier: Tier; message: NotifyMessage }[] = [];
  const posts: { channel: Channel; message: NotifyMessage }[] = [];
  return {
    pages,
    posts,
    page: async (tier, message) => {
      pages.push({ tier, message });
    },
    channel: async (channel, message) => {
      posts.push({ channel, message });
    },
  };
}

let counter = 0;

/** A firing EvalEngineDown alert with its own dedup key. */
export function firingAlert(): NormalizedAlert {
  counter += 1;
  const workload = `tars-eval-engine-${counter}-${Date.now()}`;
  return {
    source: 'alertmanager',
    name: 'EvalEngineDown',
    status: 'firing',
    severity: 'critical',
    labels: { alertname: 'EvalEngineDown', namespace: 'tars' },
    annotations: {},
    startsAt: '2026-03-01T10:00:00.000Z',
    endsAt: null,
    fingerprint: counter.toString(16).padStart(16, '0'),
    dedupKey: `EvalEngineDown/tars/${workload}`,
    warnings: [],
  };
}
