import { archiveSubscriber } from '../archive/archive.subscriber.ts';
import { makeCheckpoint } from '../archive/checkpoint.ts';
import { archiveKeyring, payloadCipher } from '../archive/payload-crypto.ts';
import { archiveVerifier } from '../archive/verification.ts';
import { verifyArchive } from '../archive/verify.ts';
import { startEventSubscribers } from '../hub.ts';
import type { Dialect } from '../platform/db/database.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { createWebhookHarness, envelope, type WebhookHarness } from './webhook-harness.ts';

/** The number and customer the archive tests talk as (Meta's fixture number). */
export const PN = '106540352242922';
const META = { display_phone_number: '15550783881', phone_number_id: PN };
export const CUSTOMER = '16505551234';

/** A hub fed by real signed webhooks, with the archive subscriber and checkpoints run by hand (tests only). */
export type ArchiveFixture = {
  readonly h: WebhookHarness;
  readonly database: TestDatabase;
  /** Posts and applies one webhook carrying `messages`. */
  inbound(messages: Record<string, unknown>[]): Promise<void>;
  /** A customer's text message. */
  text(wamid: string, body: string, ts: number): Record<string, unknown>;
  /** The customer's edit of `target`. */
  edit(wamid: string, target: string, body: string, ts: number): Record<string, unknown>;
  /** The customer's deletion of `target`. */
  revoke(wamid: string, target: string, ts: number): Record<string, unknown>;
  /** Runs the archive subscriber until it has caught up. */
  archive(): Promise<void>;
  checkpoint(): ReturnType<typeof makeCheckpoint>;
  verify(): ReturnType<typeof verifyArchive>;
  /** The plaintext of a stored (encrypted) payload row, as JSON; null when its key was destroyed. */
  opened(row: { contact_id: string | null; content: string }): Promise<unknown>;
  close(): Promise<void>;
};

export async function startArchiveFixture(dialect: Dialect): Promise<ArchiveFixture> {
  const database = await createTestDatabase(dialect);
  const h = await createWebhookHarness(database);
  const subscribers = startEventSubscribers(h.deps, {
    subscribers: [archiveSubscriber],
    autoStart: false,
    gapGraceMs: 0,
  });
  const base = (wamid: string, ts: number) => ({ from: CUSTOMER, id: wamid, timestamp: String(ts) });
  return {
    h,
    database,
    async inbound(messages) {
      const body = envelope('messages', {
        messaging_product: 'whatsapp',
        metadata: META,
        contacts: [{ profile: { name: 'Ana' }, wa_id: CUSTOMER }],
        messages,
      });
      const res = await h.post(body);
      if (res.statusCode !== 200) throw new Error(`webhook refused: ${res.statusCode}`);
      await h.drain();
    },
    text: (wamid, body, ts) => ({ ...base(wamid, ts), type: 'text', text: { body } }),
    edit: (wamid, target, body, ts) => ({
      ...base(wamid, ts),
      type: 'edit',
      edit: { original_message_id: target, message: { type: 'text', text: { body } } },
    }),
    revoke: (wamid, target, ts) => ({
      ...base(wamid, ts),
      type: 'revoke',
      revoke: { original_message_id: target },
    }),
    async archive() {
      while ((await subscribers.runOnce()) > 0) {}
    },
    checkpoint: () => makeCheckpoint(database.db, { config: h.deps.config, now: h.clock.now() }),
    async verify() {
      return verifyArchive(
        database.db,
        await archiveVerifier(database.db, h.deps.config, h.clock.now()),
        archiveKeyring(h.deps.config),
      );
    },
    async opened(row) {
      const text = await payloadCipher(database.db, archiveKeyring(h.deps.config)).open(
        row.contact_id,
        row.content,
      );
      return text === null ? null : JSON.parse(text);
    },
    async close() {
      await subscribers.stop();
      await h.close();
      await database.destroy();
    },
  };
}
