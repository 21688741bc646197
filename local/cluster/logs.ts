import type { ContainerSim, LogLine, SimContext } from './context.ts';
import { ApiStatusError, notFound } from './errors.ts';

export interface LogOptions {
  container?: string | undefined;
  previous?: boolean | undefined;
  tailLines?: number | undefined;
  sinceSeconds?: number | undefined;
  timestamps?: boolean | undefined;
  limitBytes?: number | undefined;
}

const badRequest = (message: string) =>
  new ApiStatusError(400, 'BadRequest', message);

function pickContainer(names: string[], pod: string, wanted?: string): string {
  if (wanted) {
    if (names.includes(wanted)) return wanted;
    throw badRequest(`container ${wanted} is not valid for pod ${pod}`);
  }
  const [only] = names;
  if (names.length === 1 && only) return only;
  throw badRequest(
    `a container name must be specified for pod ${pod}, ` +
      `choose one of: [${names.join(' ')}]`,
  );
}

/** Which lines a request sees: the last run while crash-looping. */
function linesFor(c: ContainerSim, pod: string, previous: boolean): LogLine[] {
  if (previous) {
    if (c.lastTerminated) return c.previousLogs;
    throw badRequest(
      `previous terminated container "${c.name}" in pod "${pod}" not found`,
    );
  }
  if (c.stage === 'running') return c.logs;
  if (c.lastTerminated) return c.previousLogs;
  const why =
    c.pullFailures > 0
      ? 'trying and failing to pull image'
      : 'ContainerCreating';
  throw badRequest(
    `container "${c.name}" in pod "${pod}" is waiting to start: ${why}`,
  );
}

function render(lines: LogLine[], options: LogOptions, now: number): string {
  const since = options.sinceSeconds ? now - options.sinceSeconds * 1000 : 0;
  let kept = lines.filter((line) => line.at >= since);
  if (options.tailLines !== undefined) {
    kept = options.tailLines > 0 ? kept.slice(-options.tailLines) : [];
  }
  const text = kept
    .map((line) => {
      if (!options.timestamps) return `${line.text}\n`;
      const at = new Date(line.at).toISOString().replace('Z', '000000Z');
      return `${at} ${line.text}\n`;
    })
    .join('');
  return options.limitBytes ? text.slice(0, options.limitBytes) : text;
}

/** A pod container's log as `GET …/pods/{name}/log` returns it. */
export function readPodLog(
  context: SimContext,
  namespace: string,
  name: string,
  options: LogOptions,
): string {
  const pod = context.store.get('Pod', namespace, name);
  if (!pod) throw notFound('pods', name);
  const sim = context.pods.get(pod.metadata.uid ?? '');
  if (!sim) return '';
  const names = sim.containers.map((c) => c.name);
  const chosen = pickContainer(names, name, options.container);
  const c = sim.containers.find((x) => x.name === chosen);
  if (!c) throw notFound('containers', chosen);
  const lines = linesFor(c, name, options.previous ?? false);
  return render(lines, options, context.clock.now());
}
