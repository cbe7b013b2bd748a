import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './api/_db/schema.ts',
  out: './api/_db/migrations',
  casing: 'snake_case',
});
