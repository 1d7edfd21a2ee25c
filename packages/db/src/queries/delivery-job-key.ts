/** The `job_key` of the delivery job of (event, endpoint): one live job per delivery. */
export function deliveryJobKey(eventId: string, endpointUrl: string): string {
  return `relay_deliver:${eventId}:${endpointUrl}`;
}
