/** The `job_key` of the delivery job of (event, endpoint): one live job per delivery. */
export function deliveryJobKey(eventId: string, endpointUrl: string): string {
  return `relay_deliver:${eventId}:${endpointUrl}`;
}

/**
 * graphile-worker `priority` of delivery jobs (lower runs first; fan-out jobs keep the
 * default 0). Under a burst the queue holds thousands of fan-out jobs, all older than the
 * delivery jobs they create; ordered by run_at alone, every fan-out would run before the
 * first delivery and each event would wait for the whole burst to be fanned out. Ahead of
 * them, an event is delivered soon after its fan-out. It only orders jobs that are due:
 * a retry waits for its run_at whatever its priority.
 */
export const DELIVERY_JOB_PRIORITY = -1;
