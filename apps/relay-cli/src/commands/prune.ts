import { insertOperatorLog } from '@relay/db/queries/insert-operator-log';
import { pruneRetention } from '@relay/db/queries/prune-retention';
import { type Command, UsageError } from '../command.js';

export const prune: Command = {
  name: 'prune',
  summary: 'remove delivered events and agent_log rows older than the retention period',
  help: `Usage: npm run -s relay -- prune [--days N] [--dry-run] [--json]

Runs retention now, the same code as the dispatcher's daily task: removes delivered
events (with their deliveries) and agent_log rows older than N days (default
RETENTION_DAYS, or 30), in batches. Failed and undelivered events are never removed.

  --days N     retention period in days (at least 1)
  --dry-run    count what would be removed, change nothing`,
  options: { days: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run({ pool, out, argv, env }, values) {
    const raw = (values.days as string | undefined) ?? env.RETENTION_DAYS ?? '30';
    const days = Number(raw);
    if (!Number.isInteger(days) || days < 1)
      throw new UsageError(`--days must be a whole number of days, at least 1 (got "${raw}")`);
    const dryRun = values['dry-run'] === true;
    const result = await pruneRetention(pool, { olderThanDays: days, dryRun });
    if (!dryRun) {
      await insertOperatorLog(pool, { command: 'prune', detail: { argv, days, removed: result } });
    }
    out.result({ dry_run: dryRun, days, events: result.events, agent_log_rows: result.agentLogRows }, () => {
      const verb = dryRun ? 'would remove' : 'removed';
      out.line(
        `${verb} ${result.events} delivered events and ${result.agentLogRows} agent_log rows older than ${days} days`,
      );
    });
    return 0;
  },
};
