import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Each user's language for the web app (`users.language`: `en`, `es`, `pt-BR`, see
 * platform/languages.ts); null = they never chose, so the app follows their browser.
 */
export function userLanguageMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('users').addColumn('language', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('users').dropColumn('language').execute();
    },
  };
}
