import { describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects } from '../../testing/databases.ts';
import { createEnvelope, generateMasterKey, parseMasterKeys } from './envelope.ts';

describe.each(testDialects)('envelope encryption (%s)', (dialect) => {
  it('encrypts per subject, survives a master key rotation, and shreds a destroyed subject', async () => {
    const database = await createTestDatabase(dialect);
    try {
      const db = database.db;
      const old = generateMasterKey('k1');
      const envelope = createEnvelope(db, parseMasterKeys(old));
      const sealed = await envelope.encrypt('contact:a', 'the secret text');
      const other = await envelope.encrypt('contact:b', 'another');
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain('secret');
      expect(await envelope.decrypt('contact:a', sealed)).toBe('the secret text');
      // A ciphertext moved to another subject, or altered, does not open.
      await expect(envelope.decrypt('contact:b', sealed)).rejects.toThrow();
      const raw = Buffer.from(sealed.slice(3), 'base64');
      raw[raw.length - 1] = raw[raw.length - 1]! ^ 0x01;
      const flipped = `v1.${raw.toString('base64')}`;
      await expect(envelope.decrypt('contact:a', flipped)).rejects.toThrow();

      // Rotation: a new master key first, the old one still configured; data keys are rewrapped only.
      const rotated = createEnvelope(db, parseMasterKeys(`${generateMasterKey('k2')},${old}`));
      expect(await rotated.decrypt('contact:a', sealed)).toBe('the secret text');
      expect(await rotated.rotate()).toBe(2);
      const ids = await db.selectFrom('data_keys').select('master_key_id').execute();
      expect(ids.map((r) => r.master_key_id)).toEqual(['k2', 'k2']);
      const [newest] = (await db.selectFrom('data_keys').select('master_key_id').execute()).map(
        (r) => r.master_key_id,
      );
      expect(newest).toBe('k2');

      await rotated.destroy('contact:a', 1);
      expect(await rotated.decrypt('contact:a', sealed)).toBeNull();
      expect(await rotated.decrypt('contact:b', other)).toBe('another');
      await expect(rotated.encrypt('contact:a', 'again')).rejects.toThrow(/destroyed/);
    } finally {
      await database.destroy();
    }
  });

  it('prepares many subjects’ keys in one go: the missing created, a destroyed one left destroyed', async () => {
    const database = await createTestDatabase(dialect);
    try {
      const db = database.db;
      const keys = parseMasterKeys(generateMasterKey('k1'));
      const first = createEnvelope(db, keys);
      const known = await first.encrypt('contact:known', 'known');
      await first.destroy('contact:gone', 1);
      const envelope = createEnvelope(db, keys);
      await envelope.prepare(
        ['contact:known', 'contact:new-1', 'contact:new-2', 'contact:gone', 'contact:new-1'],
        {
          create: true,
        },
      );
      const subjects = await db.selectFrom('data_keys').select('subject').orderBy('subject').execute();
      expect(subjects.map((r) => r.subject)).toEqual([
        'contact:gone',
        'contact:known',
        'contact:new-1',
        'contact:new-2',
      ]);
      expect(await envelope.decrypt('contact:known', known)).toBe('known');
      const sealed = await envelope.encrypt('contact:new-1', 'hello');
      // Another envelope (another operation) opens it with the stored key.
      expect(await createEnvelope(db, keys).decrypt('contact:new-1', sealed)).toBe('hello');
      await expect(envelope.encrypt('contact:gone', 'again')).rejects.toThrow(/destroyed/);
      // Without `create`, nothing is created.
      await envelope.prepare(['contact:new-3']);
      expect(
        await db.selectFrom('data_keys').select('subject').where('subject', '=', 'contact:new-3').execute(),
      ).toEqual([]);
    } finally {
      await database.destroy();
    }
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => parseMasterKeys('k1:AAAA')).toThrow();
  });
});
