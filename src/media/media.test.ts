import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { runRecurringJobNow } from '../platform/jobs/job.repository.ts';
import type { JobTables } from '../platform/jobs/job.table.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, startOutboundEnv } from '../testing/sandbox-env.ts';

const CUSTOMER = '16505551234';

/** Received media: downloaded from Meta (the sandbox) by id, checked against its SHA-256, kept and served by the hub. */
describe.each(testDialects)('received media (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect);
  });
  afterAll(async () => {
    await env?.close();
  });

  const receive = async (type: 'image' | 'document', caption: string) => {
    const sent = await env.sandbox.control.customerSends(CUSTOMER, { type, [type]: { caption } } as never);
    return env.waitFor(
      () =>
        env.db.db
          .selectFrom('messages')
          .select(['id', 'content_json'])
          .where('wamid', '=', sent.id)
          .executeTakeFirst(),
      `the ${type} in the hub`,
    );
  };
  const get = (path: string, token = env.token) =>
    fetch(`${env.hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('serves a customer image from the hub, byte for byte as Meta had it', async () => {
    const row = await receive('image', 'the broken part');
    const api = await env.api('GET', `/api/messages/${row.id}`);
    expect(api.status).toBe(200);
    const listed = await env.api('GET', `/api/conversations/${api.body.conversation_id}/messages`);
    const message = listed.body.data.find((m: { id: string }) => m.id === row.id);
    expect(message.media_url).toBe(`/api/messages/${row.id}/media`);

    const res = await get(message.media_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await res.arrayBuffer());
    const sha = (JSON.parse(row.content_json) as { sha256: string }).sha256;
    expect(createHash('sha256').update(bytes).digest('base64')).toBe(sha);
    const kept = await env.db.db
      .selectFrom('media_files')
      .select(['state', 'size', 'attempts'])
      .where('message_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(kept).toEqual({ state: 'stored', size: bytes.length, attempts: 1 });

    // Served from the hub's copy afterwards, even if Meta forgot the media.
    const mediaId = (JSON.parse(row.content_json) as { id: string }).id;
    const deleted = await fetch(`${env.sandbox.url}/v23.0/${mediaId}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer sandbox-access-token' },
    });
    expect(deleted.status).toBe(200);
    const again = await get(message.media_url);
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("refuses another business account's media and explains a message without media", async () => {
    const row = await receive('image', 'private');
    const { token: outsider } = await createApiToken(env.db.db, {
      name: 'other account',
      role: 'admin',
      wabaId: '999999999999999',
      now: Date.now(),
    });
    const refused = await get(`/api/messages/${row.id}/media`, outsider);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const text = await env.sandbox.control.customerText(CUSTOMER, 'no media here');
    const textRow = await env.waitFor(
      () => env.db.db.selectFrom('messages').select('id').where('wamid', '=', text.id).executeTakeFirst(),
      'the text in the hub',
    );
    const none = await get(`/api/messages/${textRow.id}/media`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('MEDIA_NOT_AVAILABLE');
  });

  it('downloads received media in the background, before anyone opens it', async () => {
    const row = await receive('document', 'the invoice');
    const kept = await env.waitFor(async () => {
      // The hub's media job runs every 30 s; make its next turn now.
      await runRecurringJobNow(env.db.db as unknown as Kysely<JobTables>, {
        jobId: 'media.download',
        now: Date.now(),
      });
      env.deps.signals.emit('jobs');
      return env.db.db
        .selectFrom('media_files')
        .select(['state', 'mime_type'])
        .where('message_id', '=', row.id)
        .where('state', '=', 'stored')
        .executeTakeFirst();
    }, 'the document to be kept');
    expect(kept.mime_type).toBe('application/pdf');
    const res = await get(`/api/messages/${row.id}/media`);
    expect(res.headers.get('content-disposition')).toBe('attachment');
    expect((await res.text()).startsWith('%PDF')).toBe(true);
  });
});
