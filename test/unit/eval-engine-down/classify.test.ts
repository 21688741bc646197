import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  classifyPod,
  schedulerReasons,
} from '#functions/eval-engine-down/classify.ts';
import { fixture, fixtureText } from './fixtures.ts';

const pod = (name: string) => fixture<V1Pod>(`k8s/${name}`);

// Seven minutes after pod B's OOM kill (finishedAt 2023-05-06T21:03:57Z).
const SOON_AFTER_B = new Date('2023-05-06T21:11:00Z');
const DAYS_AFTER_B = new Date('2023-05-09T09:00:00Z');

describe('classifyPod', () => {
  it.each([
    [
      'pod-crashloopbackoff-lastState-error.json',
      'crash-loop',
      'CrashLoopBackOff',
    ],
    ['pod-imagepullbackoff-waiting.json', 'image-pull', 'ImagePullBackOff'],
    [
      'pod-oomkilled-A-lastState-startedAt-null.converted.json',
      'oom-killed',
      'OOMKilled',
    ],
    ['pod-oomkilled-B-running-again.converted.json', 'oom-killed', 'OOMKilled'],
    [
      'pod-oomkilled-C-exit-0-succeeded.converted.json',
      'oom-killed',
      'OOMKilled',
    ],
    ['pod-exit-137-reason-error-D.converted.json', 'healthy', null],
    [
      'pod-unschedulable-taint-cpu.converted.json',
      'unschedulable',
      'Unschedulable',
    ],
    [
      'pod-unschedulable-unbound-pvc.converted.json',
      'unschedulable',
      'Unschedulable',
    ],
  ])('classifies %s as %s', (file, fault, reason) => {
    // Prepare
    const input = pod(file);

    // Act
    const result = classifyPod(input, [], SOON_AFTER_B);

    // Assess
    expect(result.fault).toBe(fault);
    expect(result.reason).toBe(reason);
  });

  it('reads an OOM kill from lastState even while the pod runs again', () => {
    const input = pod('pod-oomkilled-B-running-again.converted.json');

    const result = classifyPod(input, [], SOON_AFTER_B);

    expect(input.status?.phase).toBe('Running');
    expect(result).toMatchObject({
      fault: 'oom-killed',
      container: 'kubeshark-worker',
      message: 'exit code 137',
      restarts: 1,
    });
  });

  it('calls a running, ready container healthy days after an OOM kill', () => {
    // Prepare
    const input = pod('pod-oomkilled-B-running-again.converted.json');

    // Act
    const result = classifyPod(input, [], DAYS_AFTER_B);

    // Assess
    expect(result.fault).toBe('healthy');
  });

  it('still counts an old OOM kill while the container crash-loops', () => {
    // Prepare
    const input = pod('pod-oomkilled-B-running-again.converted.json');
    const [status] = input.status?.containerStatuses ?? [];
    const waiting = { reason: 'CrashLoopBackOff', message: 'back-off 5m' };
    const looping = { ...status, ready: false, state: { waiting } };
    const crashing = {
      ...input,
      status: { ...input.status, containerStatuses: [looping] },
    } as V1Pod;

    // Act
    const result = classifyPod(crashing, [], DAYS_AFTER_B);

    // Assess
    expect(result).toMatchObject({ fault: 'oom-killed', reason: 'OOMKilled' });
  });

  it('does not call exit code 137 with reason Error an OOM kill', () => {
    const input = pod('pod-exit-137-reason-error-D.converted.json');

    const result = classifyPod(input);

    expect(result.fault).not.toBe('oom-killed');
  });

  it('classifies a crashing init container before the app container', () => {
    const input = pod('pod-imagepullbackoff-waiting.json');
    const crashed = pod('pod-crashloopbackoff-lastState-error.json');
    const init = crashed.status?.containerStatuses?.[0];
    const status = {
      ...input.status,
      initContainerStatuses: init ? [init] : [],
    };

    const result = classifyPod({ ...input, status });

    expect(result.fault).toBe('image-pull');
    expect(result.container).toBe('errimagepullbackoff');
  });

  it('takes the scheduler message from FailedScheduling events', () => {
    const input: V1Pod = {
      metadata: { name: 'tars-eval-engine-abc' },
      status: { phase: 'Pending' },
    };
    const message = fixtureText('k8s/failedscheduling-event-messages.txt')
      .split('\n')
      .find((line) => line.includes("didn't match node selector"));
    const events: CoreV1Event[] = [
      {
        metadata: {},
        involvedObject: { name: 'tars-eval-engine-abc' },
        reason: 'FailedScheduling',
        message,
      },
    ];

    const result = classifyPod(input, events);

    expect(result.fault).toBe('unschedulable');
    expect(result.message).toBe(message);
  });

  it('calls a running pod that is not ready not-ready', () => {
    const input: V1Pod = {
      metadata: { name: 'p' },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        ],
      },
    };

    const result = classifyPod(input);

    expect(result).toMatchObject({
      fault: 'not-ready',
      reason: 'ContainersNotReady',
    });
  });
});

describe('schedulerReasons', () => {
  const lines = fixtureText('k8s/failedscheduling-event-messages.txt')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('never returns an empty list for a real message', () => {
    const results = lines.map(schedulerReasons);

    expect(results.every((reasons) => reasons.length > 0)).toBe(true);
  });

  it('splits counted reasons and drops the preemption tail', () => {
    const line = lines.find((l) => l.includes('untolerated taint')) ?? '';

    const reasons = schedulerReasons(line);

    expect(reasons).toEqual([
      'node(s) had untolerated taint {ToBeDeletedByClusterAutoscaler: 1732299539}',
      'Insufficient cpu',
    ]);
  });

  it('keeps an unknown shape whole', () => {
    const line = 'Failed for reason PodFitsResources and possibly others';

    expect(schedulerReasons(line)).toEqual([line]);
  });
});
