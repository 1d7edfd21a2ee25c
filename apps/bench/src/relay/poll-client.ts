/**
 * The scheduler stand-in: `POST /poll` on one keep-alive connection, timed in this
 * process, so "the poll answered" and "the receiver got it" are on the same clock.
 */
import { Agent, request } from 'undici';
import { nowMs } from '../clock.js';
import { TENANT } from '../database.js';
import { AGENT_KEY } from './processes.js';

export interface PollAnswer {
  claimed: number;
  emitted: number;
  first_id: number | null;
  last_id: number | null;
  busy: boolean;
  duration_ms: number;
}

export interface TimedPoll {
  answer: PollAnswer;
  /** nowMs() when the request was sent and when the answer was read. */
  sentAt: number;
  answeredAt: number;
}

export interface PollClient {
  poll(): Promise<TimedPoll>;
  close(): Promise<void>;
}

export function createPollClient(watcherUrl: string): PollClient {
  const agent = new Agent({ connections: 1 });
  const body = JSON.stringify({ tenant: TENANT });
  return {
    async poll() {
      const sentAt = nowMs();
      const response = await request(`${watcherUrl}/poll`, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'x-agent-key': AGENT_KEY, 'content-type': 'application/json' },
        body,
      });
      const text = await response.body.text();
      const answeredAt = nowMs();
      if (response.statusCode !== 200) throw new Error(`POST /poll answered ${response.statusCode}: ${text}`);
      return { answer: JSON.parse(text) as PollAnswer, sentAt, answeredAt };
    },
    close: () => agent.close(),
  };
}
