import type pg from 'pg';

export interface RetentionOptions {
  /** Delivered events and agent_log rows older than this many days go. */
  olderThanDays: number;
  /** Rows per DELETE: each batch is its own short statement, so no long locks. */
  batchSize?: number;
  /** Count what would go, change nothing. */
  dryRun?: boolean;
}

export interface RetentionResult {
  events: number;
  agentLogRows: number;
}

/**
 * Retention (the dispatcher's cron task and `relay prune` both run this): removes delivered
 * outbox rows (their deliveries go with them, by foreign key) and agent_log rows older than
 * the cutoff, in bounded batches. Failed and undelivered events are never removed, nor an
 * event above its tenant's watermark (the watcher's anti-join still needs it).
 */
export async function pruneRetention(db: pg.Pool, options: RetentionOptions): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? 1000;
  const cutoff = [options.olderThanDays];
  const prunableEvents = `
      from relay.event_outbox o
      join relay.watcher_state w on w.tenant = o.tenant
     where o.delivered_at is not null
       and o.delivered_at < now() - make_interval(days => $1::int)
       and o.contact_message_id <= w.last_seen_id`;
  const prunableLog = `from relay.agent_log where created_at < now() - make_interval(days => $1::int)`;

  if (options.dryRun) {
    const { rows } = await db.query<{ events: string; log: string }>(
      `select (select count(*) ${prunableEvents}) as events, (select count(*) ${prunableLog}) as log`,
      cutoff,
    );
    return { events: Number(rows[0]?.events ?? 0), agentLogRows: Number(rows[0]?.log ?? 0) };
  }

  const deleteInBatches = async (statement: string): Promise<number> => {
    let total = 0;
    for (;;) {
      const { rowCount } = await db.query(statement, [options.olderThanDays, batchSize]);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < batchSize) return total;
    }
  };
  // Each batch also raises its tenants' `pruned_through_id`, in the same statement, so
  // `relay reconcile` never mistakes a pruned event for a lost one.
  const events = await deleteInBatches(
    `with doomed as (
       select o.event_id ${prunableEvents} order by o.delivered_at limit $2 for update of o skip locked
     ), deleted as (
       delete from relay.event_outbox o using doomed where o.event_id = doomed.event_id
       returning o.tenant, o.contact_message_id
     ), marked as (
       update relay.watcher_state w set pruned_through_id = greatest(w.pruned_through_id, d.max_id)
         from (select tenant, max(contact_message_id) as max_id from deleted group by tenant) d
        where w.tenant = d.tenant
     )
     select 1 from deleted`,
  );
  const agentLogRows = await deleteInBatches(
    `delete from relay.agent_log where id in (select id ${prunableLog} order by id limit $2)`,
  );
  return { events, agentLogRows };
}
