/** Helpers that only make sense inside a vitest run (they read the global setup's values). */
export { type FreshDatabaseOptions, freshDatabase, type TestDatabase } from './database.js';
