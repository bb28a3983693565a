import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/** The organisation every hub starts with; a single-business install stays inside it. */
const DEFAULT_ORGANISATION_ID = 'org_default';

/**
 * Many businesses on one hub (src/organisations/): organisations own business accounts (WABAs),
 * users belong to organisations with a role in each (`organisation_members`), owners are invited
 * (`organisation_invitations`, only the SHA-256 of the link's token is kept), and a provider
 * administrator (`users.provider_admin`) creates organisations. A session acts in one current
 * organisation (`sessions.organisation_id`) and an API token belongs to one
 * (`api_tokens.organisation_id`).
 *
 * An existing install moves into one default organisation: every WABA, every user a member at their
 * current role, every token, and the first owner becomes the provider administrator. A WABA first
 * seen in a webhook goes to the only organisation while there is one, and is unclaimed (`null`,
 * seen by no organisation) once there are several, until a registration claims it.
 */
export function organisationsMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('organisation_members')
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('organisation_members_pk', ['organisation_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('organisation_members_user')
        .on('organisation_members')
        .column('user_id')
        .execute();
      await db.schema
        .createTable('organisation_invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('accepted_at', 'bigint')
        .addColumn('accepted_user_id', 'text')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('organisation_invitations_org')
        .on('organisation_invitations')
        .columns(['organisation_id', 'created_at'])
        .execute();

      await db.schema
        .alterTable('users')
        .addColumn('provider_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The column default keeps every writer that does not know organisations (and the test
      // seeders) inside the default organisation; the hub's own WABA writers name one.
      await db.schema
        .alterTable('wabas')
        .addColumn('organisation_id', 'text', (c) => c.defaultTo(DEFAULT_ORGANISATION_ID))
        .execute();
      await db.schema.createIndex('wabas_organisation').on('wabas').column('organisation_id').execute();
      await db.schema.alterTable('sessions').addColumn('organisation_id', 'text').execute();
      await db.schema.alterTable('api_tokens').addColumn('organisation_id', 'text').execute();

      const now = Date.now();
      await db
        .insertInto('organisations')
        .values({
          id: DEFAULT_ORGANISATION_ID,
          name: 'Default',
          created_by: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db.updateTable('wabas').set({ organisation_id: DEFAULT_ORGANISATION_ID }).execute();
      await db.updateTable('api_tokens').set({ organisation_id: DEFAULT_ORGANISATION_ID }).execute();
      const users = await db.selectFrom('users').select(['id', 'role', 'created_at']).execute();
      for (const user of users as { id: string; role: string; created_at: number }[]) {
        await db
          .insertInto('organisation_members')
          .values({
            organisation_id: DEFAULT_ORGANISATION_ID,
            user_id: user.id,
            role: user.role,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const firstOwner = (users as { id: string; role: string; created_at: number }[])
        .filter((u) => u.role === 'owner')
        .sort((a, b) => Number(a.created_at) - Number(b.created_at) || a.id.localeCompare(b.id))[0];
      if (firstOwner) {
        await db.updateTable('users').set({ provider_admin: 1 }).where('id', '=', firstOwner.id).execute();
      }
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('api_tokens').dropColumn('organisation_id').execute();
      await db.schema.alterTable('sessions').dropColumn('organisation_id').execute();
      await db.schema.dropIndex('wabas_organisation').execute();
      await db.schema.alterTable('wabas').dropColumn('organisation_id').execute();
      await db.schema.alterTable('users').dropColumn('provider_admin').execute();
      await db.schema.dropTable('organisation_invitations').execute();
      await db.schema.dropTable('organisation_members').execute();
      await db.schema.dropTable('organisations').execute();
    },
  };
}
