export { assertServerVersion, createPool, MIN_SERVER_VERSION_NUM, type PoolOptions } from './client.js';
export { parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';
export { describeConnectionError } from './describe-error.js';
export { createContactMessagesTable, insertContactMessages } from './fixtures/contact-messages.js';
export { DEFAULT_MIGRATIONS_FOLDER, type MigrateOptions, type MigrateResult, migrate } from './migrate.js';
export * as schema from './schema.js';
export * from './schema.js';
export {
  CONTACT_CREATED,
  contactCreatedEventId,
  DEFAULT_DELIVERY_MAX_ATTEMPTS,
  DELIVER_TASK,
  type DeliverPayload,
  FAN_OUT_TASK,
  type FanOutPayload,
} from './tasks.js';
export { assertTenantName, quoteIdent, TENANT_NAME_PATTERN } from './tenant.js';
export { inTransaction, withTransaction } from './transaction.js';
