/**
 * Child process of the raw undici baseline: `node undici-client.js <url> <requests> <concurrency>`.
 * POSTs event-sized JSON bodies with undici's `request` through one keep-alive Agent, as
 * the dispatcher does, `concurrency` at a time, and prints one JSON line with the timing.
 * It runs in its own process, like the dispatcher, so it does not share the receiver's
 * event loop.
 */
import { Agent, request } from 'undici';

const WARMUP = 200;

async function main(): Promise<void> {
  const [url, requestsArg, concurrencyArg] = process.argv.slice(2);
  const requests = Number(requestsArg);
  const concurrency = Number(concurrencyArg);
  if (!url || !Number.isInteger(requests) || !Number.isInteger(concurrency)) {
    throw new Error('usage: undici-client.js <url> <requests> <concurrency>');
  }
  const agent = new Agent({ connections: concurrency });
  const post = async (n: number) => {
    const body = JSON.stringify({
      event_id: `raw:${n}`,
      event_type: 'contact.created',
      tenant: 'hoamx_com',
      contact_message_id: n,
      observed_at: new Date().toISOString(),
      data: { name: `Person ${n}`, email: `person${n}@example.com`, phone: '+15550000000', message: `Hello #${n}` },
    });
    const response = await request(url, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `raw:${n}` },
      body,
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
  };
  const runBatch = async (from: number, count: number) => {
    let next = from;
    const end = from + count;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < end) await post(next++);
      }),
    );
  };
  await runBatch(0, WARMUP);
  const started = performance.now();
  await runBatch(WARMUP, requests);
  const seconds = (performance.now() - started) / 1_000;
  await agent.close();
  process.stdout.write(`${JSON.stringify({ requests, seconds })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`undici-client: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
