/**
 * Polls as fast as the watcher answers until `total` rows are claimed, noting for each
 * claimed id when the poll that claimed it answered (the start of its dispatch latency).
 */
import type { PollClient } from '../relay/poll-client.js';

export interface DrivenPolls {
  polls: number;
  /** id → nowMs() of the answer of the poll that claimed it. */
  claimedAt: Map<number, number>;
}

export async function pollUntilClaimed(
  client: PollClient,
  total: number,
  options: { deadlineMs: number; onPoll?: (claimedSoFar: number) => void },
): Promise<DrivenPolls> {
  const claimedAt = new Map<number, number>();
  const deadline = Date.now() + options.deadlineMs;
  let polls = 0;
  while (claimedAt.size < total) {
    if (Date.now() > deadline) throw new Error(`only ${claimedAt.size} of ${total} rows claimed in time`);
    const { answer, answeredAt } = await client.poll();
    polls++;
    if (answer.claimed > 0 && answer.first_id !== null && answer.last_id !== null) {
      // The bench's rows are contiguous and claimed in id order, so first..last is the batch.
      if (answer.last_id - answer.first_id + 1 !== answer.claimed) {
        throw new Error(
          `poll claimed ${answer.claimed} rows that are not contiguous (${answer.first_id}..${answer.last_id})`,
        );
      }
      for (let id = answer.first_id; id <= answer.last_id; id++) claimedAt.set(id, answeredAt);
    }
    options.onPoll?.(claimedAt.size);
  }
  return { polls, claimedAt };
}
