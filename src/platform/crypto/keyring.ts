import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type MasterKeyring, parseMasterKeys } from './envelope.ts';

/** The name of the master key file in the data folder, used when `COEXIST_MASTER_KEYS` is unset. */
export const MASTER_KEY_FILE = 'master.key';

const keyrings = new Map<string, MasterKeyring>();

/**
 * The hub's master keys: `COEXIST_MASTER_KEYS` when set (the first current, the others still
 * accepted for data keys they wrapped, so rotation is: put a new key first, run
 * `coexist audit rotate-keys`, later drop the old one). Unset, one key is generated once into
 * `<COEXIST_DATA_DIR>/master.key` (mode 0600, folder 0700) and used from then on; that protects a
 * database dump or backup taken without the data folder, and a deployment with several nodes or
 * PostgreSQL must set `COEXIST_MASTER_KEYS` so every node has the same keys.
 */
export function masterKeyringOf(config: {
  readonly masterKeys: string | undefined;
  readonly dataDir: string;
}): MasterKeyring {
  const cacheKey = config.masterKeys ?? `file:${resolve(config.dataDir)}`;
  let keyring = keyrings.get(cacheKey);
  if (!keyring) {
    keyring = parseMasterKeys(config.masterKeys ?? keyFile(config.dataDir));
    keyrings.set(cacheKey, keyring);
  }
  return keyring;
}

// Reads the key file, creating it atomically (write a private temp file, then link it into place:
// two processes starting at once end up with the same key).
function keyFile(dataDir: string): string {
  const file = join(dataDir, MASTER_KEY_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `local:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temp, 0o600);
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return readFileSync(file, 'utf8').trim();
}
