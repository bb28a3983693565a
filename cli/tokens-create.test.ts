import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { graphClientFromConfig } from '../src/graph/graph-client.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createSignals } from '../src/platform/events/signals.ts';
import type { App } from '../src/platform/http/app-type.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../src/testing/databases.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/coexist.mjs', import.meta.url));

describe.each(testDialects)('coexist tokens create on %s', (dialect) => {
  let database: TestDatabase;
  let app: App;
  const env = () => ({
    ...process.env,
    DATABASE_URL: database.url,
    META_APP_SECRET: 'sandbox-app-secret',
    META_VERIFY_TOKEN: 'sandbox-verify-token',
    LOG_LEVEL: 'silent',
  });

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await buildApp({
      config: loadConfig(env()),
      database,
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
      signals: createSignals(),
      graph: graphClientFromConfig(loadConfig(env())),
    });
  });
  afterAll(async () => {
    await app.close();
    await database.destroy();
  });

  it('prints a new token once, stores only its hash, and the token opens the API (scoped to its WABA)', async () => {
    const { stdout } = await run(
      process.execPath,
      [bin, 'tokens', 'create', '--name', 'ci', '--waba', '102290129340398'],
      {
        env: env(),
      },
    );
    const token = stdout.trim();
    expect(token).toMatch(/^cx_[A-Za-z0-9_-]{40,}$/);

    const rows = await database.db.selectFrom('api_tokens').selectAll().where('name', '=', 'ci').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]?.waba_id).toBe('102290129340398');

    const ok = await app.inject({ url: '/api/numbers', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ data: [], next_cursor: null });
    const wrong = await app.inject({ url: '/api/numbers', headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.statusCode).toBe(401);
  });
});
