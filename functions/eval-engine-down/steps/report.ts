import type { CoreV1Event } from '@kubernetes/client-node';
import type { PodClassification } from '../classify.ts';
import { schedulerReasons } from '../classify.ts';

/**
 * The image and the first specific pull error for a pod that cannot pull
 * its image. Kubelet follows the specific `Failed to pull image ...` event
 * with generic ones (`Error: ErrImagePull`, back-off), which say nothing.
 */
export function imagePullReport(
  pod: PodClassification,
  events: CoreV1Event[],
): { image: string | null; error: string } {
  const specific = events.find(
    (e) =>
      e.involvedObject?.name === pod.pod &&
      e.reason === 'Failed' &&
      e.message !== undefined &&
      !/^Error: /.test(e.message),
  );
  const error = specific?.message ?? pod.message ?? pod.reason ?? 'unknown';
  return { image: pod.image, error };
}

/** The scheduler's reasons for a pod that cannot be placed. */
export function schedulingReport(
  pod: PodClassification,
  events: CoreV1Event[],
): string[] {
  const event = events.findLast(
    (e) =>
      e.involvedObject?.name === pod.pod && e.reason === 'FailedScheduling',
  );
  const message = pod.message ?? event?.message;
  return message ? schedulerReasons(message) : [pod.reason ?? 'Unschedulable'];
}
