import type { Command } from 'commander';
import { disableMfa } from '../src/auth/mfa.ts';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from '../src/auth/passwords.ts';
import { ROLES, type Role } from '../src/auth/principal.ts';
import { revokeUserSessions } from '../src/auth/sessions.ts';
import { recordSecurityEvent } from '../src/security/security-log.ts';
import { findUserByEmail, insertUser } from '../src/users/users.repository.ts';
import { openHubDeps } from './hub-commands.ts';

/** What the security log keeps of a shell command: no actor or address, `via: 'cli'`. */
const CLI = { origin: null, actor: null } as const;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** `coexist users create|list|set-password|reset-mfa`: account administration from the shell. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('Manage the people who sign in to the inbox');

  users
    .command('create')
    .description('Create a user; prints a generated password if none is given')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'display name')
    .option('--role <role>', 'owner, admin, supervisor, agent or auditor', 'agent')
    .option('--password <password>', `at least ${MIN_PASSWORD_LENGTH} characters`)
    .option('--waba <id...>', 'restrict to these business accounts (default: all)')
    .action(
      async (opts: { email: string; name: string; role: string; password?: string; waba?: string[] }) => {
        const role = ROLES.find((r) => r === opts.role) as Role | undefined;
        if (!role) fail(`unknown role: ${opts.role}`);
        if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) {
          fail(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
        }
        const deps = await openHubDeps();
        try {
          if (await findUserByEmail(deps.database.db, opts.email))
            fail(`a user with email ${opts.email} exists`);
          const password = opts.password ?? generatePassword();
          const user = await insertUser(deps.database.db, {
            email: opts.email,
            name: opts.name,
            role,
            passwordHash: await hashPassword(password),
            wabaIds: opts.waba?.length ? opts.waba : null,
            now: deps.clock.now(),
          });
          await recordSecurityEvent(deps.database.db, {
            ...CLI,
            kind: 'user.created',
            targetUserId: user.id,
            email: user.email,
            details: { via: 'cli', role: user.role },
            at: deps.clock.now(),
          });
          process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
          if (opts.password === undefined) process.stdout.write(`password: ${password}\n`);
          if (role === 'owner' || role === 'admin') {
            process.stdout.write('two-factor authentication will be set up at first sign-in\n');
          }
        } finally {
          await deps.database.close();
        }
      },
    );

  users
    .command('list')
    .description('List users')
    .action(async () => {
      const deps = await openHubDeps();
      try {
        const rows = await deps.database.db.selectFrom('users').selectAll().orderBy('email').execute();
        for (const u of rows) {
          const flags = [u.mfa_enabled_at ? 'mfa' : 'no-mfa', u.disabled_at ? 'disabled' : 'active'].join(
            ',',
          );
          process.stdout.write(`${u.id}\t${u.email}\t${u.role}\t${flags}\t${u.name}\n`);
        }
      } finally {
        await deps.database.close();
      }
    });

  users
    .command('set-password')
    .description("Set a user's password (prints a generated one if none is given) and end their sessions")
    .requiredOption('--email <email>', 'sign-in email')
    .option('--password <password>', `at least ${MIN_PASSWORD_LENGTH} characters`)
    .action(async (opts: { email: string; password?: string }) => {
      if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) {
        fail(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
      }
      const deps = await openHubDeps();
      try {
        const user = await findUserByEmail(deps.database.db, opts.email);
        if (!user) fail(`no user with email ${opts.email}`);
        const password = opts.password ?? generatePassword();
        const now = deps.clock.now();
        await deps.database.db
          .updateTable('users')
          .set({ password_hash: await hashPassword(password), updated_at: now })
          .where('id', '=', user.id)
          .execute();
        await revokeUserSessions(deps.database.db, user.id, now);
        await recordSecurityEvent(deps.database.db, {
          ...CLI,
          kind: 'password.reset',
          targetUserId: user.id,
          email: user.email,
          details: { via: 'cli' },
          at: now,
        });
        process.stdout.write(opts.password === undefined ? `password: ${password}\n` : 'password set\n');
      } finally {
        await deps.database.close();
      }
    });

  users
    .command('reset-mfa')
    .description("Remove a user's two-factor authentication (they enrol again at next sign-in)")
    .requiredOption('--email <email>', 'sign-in email')
    .action(async (opts: { email: string }) => {
      const deps = await openHubDeps();
      try {
        const user = await findUserByEmail(deps.database.db, opts.email);
        if (!user) fail(`no user with email ${opts.email}`);
        const now = deps.clock.now();
        await disableMfa(deps.database.db, user.id, now);
        await revokeUserSessions(deps.database.db, user.id, now);
        await recordSecurityEvent(deps.database.db, {
          ...CLI,
          kind: 'mfa.reset',
          targetUserId: user.id,
          email: user.email,
          details: { via: 'cli' },
          at: now,
        });
        process.stdout.write('two-factor authentication removed\n');
      } finally {
        await deps.database.close();
      }
    });
}
