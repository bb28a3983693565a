import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const valid = { META_APP_SECRET: 'app-secret-1', META_VERIFY_TOKEN: 'verify-token-1' };

describe('loadConfig', () => {
  it('applies defaults: SQLite file in the data dir, Meta Graph URL, port 3000', () => {
    const config = loadConfig(valid);
    expect(config.databaseUrl).toBe('sqlite:./data/coexist.db');
    expect(config.metaGraphUrl).toBe('https://graph.facebook.com');
    expect(config.port).toBe(3000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('puts the SQLite file in COEXIST_DATA_DIR and honours a PostgreSQL DATABASE_URL', () => {
    expect(loadConfig({ ...valid, COEXIST_DATA_DIR: '/var/lib/coexist/' }).databaseUrl).toBe(
      'sqlite:/var/lib/coexist/coexist.db',
    );
    expect(loadConfig({ ...valid, DATABASE_URL: 'postgres://u@h/db' }).databaseUrl).toBe('postgres://u@h/db');
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'META_APP_SECRET', 'META_VERIFY_TOKEN']) {
      expect(problems).toContain(name);
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...valid, PORT: '' }).port).toBe(3000);
  });

  it('believes X-Forwarded-For only when told whom to trust', () => {
    expect(loadConfig(valid).trustProxy).toBe(false);
    expect(loadConfig({ ...valid, COEXIST_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...valid, COEXIST_TRUST_PROXY: '10.0.0.1, 10.0.1.0/24' }).trustProxy).toBe(
      '10.0.0.1, 10.0.1.0/24',
    );
    expect(() => loadConfig({ ...valid, COEXIST_TRUST_PROXY: 'everyone' })).toThrow(/COEXIST_TRUST_PROXY/);
  });
});
