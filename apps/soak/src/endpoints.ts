import { type Answer, type ReceivedRequest, type Receiver, startReceiver } from '@relay/devkit';
import { activeWindow, answerFor, type FaultSchedule } from './schedule.js';

/** What one endpoint saw and answered, the ground truth for "every event reached every endpoint". */
export interface EndpointRecord {
  index: number;
  url: string;
  requests: number;
  /** event id → times (ms since epoch) a 2xx was answered for it. */
  acknowledged: Map<string, number[]>;
  /** Event ids answered 400 at least once (dead letters the operator requeues). */
  rejected: Set<string>;
  /** Answers given, by kind (`ok` or the fault kind). */
  answers: Record<string, number>;
}

export interface Endpoints {
  records: EndpointRecord[];
  urls: string[];
  /** From now on every endpoint answers 200: the faults are over, the drain begins. */
  heal(): void;
  close(): Promise<void>;
}

function eventIdOf(request: ReceivedRequest): string {
  const header = request.headers['idempotency-key'];
  if (typeof header === 'string' && header !== '') return header;
  try {
    return String((JSON.parse(request.body) as { event_id?: unknown }).event_id ?? '<no event_id>');
  } catch {
    return '<unparseable body>';
  }
}

/**
 * One real HTTP receiver per endpoint on 127.0.0.1, answering per the schedule's windows
 * (`elapsed()` is the injection clock) and recording which events got a 2xx.
 */
export async function startEndpoints(
  schedule: FaultSchedule,
  count: number,
  elapsed: () => number,
): Promise<Endpoints> {
  let healed = false;
  const receivers: Receiver[] = [];
  const records: EndpointRecord[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const record: EndpointRecord = {
        index,
        url: '',
        requests: 0,
        acknowledged: new Map(),
        rejected: new Set(),
        answers: {},
      };
      const respond = (request: ReceivedRequest): Answer => {
        record.requests++;
        const window = healed ? undefined : activeWindow(schedule, index, elapsed());
        const answer: Answer = window ? answerFor(window.fault) : { status: 200 };
        const kind = window?.fault.kind ?? 'ok';
        record.answers[kind] = (record.answers[kind] ?? 0) + 1;
        const eventId = eventIdOf(request);
        const status = answer.status ?? 200;
        if (!answer.hang && !answer.reset && status >= 200 && status < 300) {
          const times = record.acknowledged.get(eventId) ?? [];
          times.push(Date.now() + (answer.delayMs ?? 0));
          record.acknowledged.set(eventId, times);
        }
        if (status === 400) record.rejected.add(eventId);
        return answer;
      };
      const receiver = await startReceiver(respond);
      receivers.push(receiver);
      record.url = `${receiver.url}/events/${index}`;
      records.push(record);
    }
  } catch (err) {
    await Promise.all(receivers.map((r) => r.close()));
    throw err;
  }
  return {
    records,
    urls: records.map((r) => r.url),
    heal() {
      healed = true;
    },
    async close() {
      await Promise.all(receivers.map((r) => r.close()));
    },
  };
}
