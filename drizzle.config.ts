import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL for schema changes into drizzle/; commit it.
// The relay owns only the `relay` schema: tenants' tables are never generated here.
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/db/src/schema.ts',
  out: './drizzle',
  schemaFilter: ['relay'],
  strict: true,
  verbose: true,
});
