/** What a newcomer needs on screen: where the database is, the key, and what to type next. */
export function banner(options: { databaseUrl: string; agentKey: string; watcherUrl: string; tenant: string }): string {
  const insert = `insert into ${options.tenant}.contact_messages (name, email, phone, message) values ('Ada Lovelace', 'ada@example.com', '+15550100', 'Hello from psql')`;
  return [
    '',
    'outbox relay is running',
    `  database:      ${options.databaseUrl}`,
    `  watcher:       ${options.watcherUrl}  (agent key: ${options.agentKey})`,
    '',
    'insert a contact message (it is delivered within a few seconds):',
    `  psql "${options.databaseUrl}" -c "${insert}"`,
    '',
    'poll by hand:',
    `  curl -X POST ${options.watcherUrl}/poll -H 'x-agent-key: ${options.agentKey}' -H 'content-type: application/json' -d '{"tenant":"${options.tenant}"}'`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
