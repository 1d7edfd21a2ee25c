import type { Logger } from '@relay/common';
import { type Receiver, startReceiver } from '@relay/devkit';

/** A local endpoint that accepts every event and shows it as it arrives. */
export async function startDemoReceiver(port: number, logger: Logger): Promise<Receiver> {
  return startReceiver((request) => {
    try {
      const event = JSON.parse(request.body) as { event_id?: string; data?: Record<string, unknown> };
      logger.info({ event_id: event.event_id, data: event.data }, `demo receiver got ${event.event_id}`);
    } catch {
      logger.warn({ body: request.body.slice(0, 200) }, 'demo receiver got a body that is not JSON');
    }
    return { status: 200 };
  }, port);
}
