import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNUP_DEFAULTS } from '../signup/signup-state.ts';
import { graph, harness, WABA } from '../testing/harness.ts';

type H = Awaited<ReturnType<typeof harness>>;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(40, 7),
]);

describe('Resumable Upload API and media header samples', () => {
  let h: H;
  beforeEach(async () => {
    h = await harness({ templateReview: { delayMs: 1000 } });
  });
  afterEach(() => h.close());

  const open = (query: string) =>
    graph(h.sb, `${SIGNUP_DEFAULTS.appId}/uploads?${query}`, { method: 'POST', body: {} });
  const send = async (
    session: string,
    bytes: Buffer,
    offset: number,
    auth = 'OAuth sandbox-access-token',
  ) => {
    const res = await fetch(`${h.sb.url}/v23.0/${session}`, {
      method: 'POST',
      headers: { authorization: auth, file_offset: String(offset), 'content-type': 'image/png' },
      body: new Uint8Array(bytes),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const createWithHandle = (name: string, format: string, handle: unknown) =>
    graph(h.sb, `${WABA}/message_templates`, {
      body: {
        name,
        language: 'en_US',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', format, example: handle === undefined ? undefined : { header_handle: [handle] } },
          { type: 'BODY', text: 'New arrivals are in.' },
        ],
      },
    });

  it('opens a session, takes the bytes in two parts from file_offset, and answers the handle', async () => {
    const opened = await open(`file_name=shoe.png&file_length=${PNG.length}&file_type=image/png`);
    expect(opened.status).toBe(200);
    const session = opened.body.id as string;
    expect(session).toMatch(/^upload:[A-Za-z0-9_-]+\?sig=/);
    const first = await send(session, PNG.subarray(0, 10), 0);
    expect(first.body).toMatchObject({ file_offset: 10 });
    expect((await graph(h.sb, session)).body).toMatchObject({ file_offset: 10 });
    expect((await send(session, PNG.subarray(10), 3)).status).toBe(400);
    const done = await send(session, PNG.subarray(10), 10);
    expect(done.status).toBe(200);
    expect(done.body.h).toMatch(/^4::/);

    const created = await createWithHandle('shoe_drop', 'IMAGE', done.body.h);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    // The handle is an image: a VIDEO header cannot use it.
    const wrongKind = await createWithHandle('shoe_drop_video', 'VIDEO', done.body.h);
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.error_data.details).toMatch(/sample is a image file/);
  });

  it('refuses media headers without an uploaded sample, bad file types and unknown apps and sessions', async () => {
    const none = await createWithHandle('no_sample', 'IMAGE', undefined);
    expect(none.status).toBe(400);
    expect(none.body.error.error_data.details).toMatch(/needs example.header_handle/);
    const made = await createWithHandle('made_up', 'DOCUMENT', '4::made-up');
    expect(made.status).toBe(400);
    expect(made.body.error.error_data.details).toMatch(/not a handle of an uploaded file/);
    expect((await open('file_length=10&file_type=image/gif')).status).toBe(400);
    expect((await open('file_type=image/png')).status).toBe(400);
    const otherApp = await graph(h.sb, '999/uploads?file_length=10&file_type=image/png', {
      method: 'POST',
      body: {},
    });
    expect(otherApp.status).toBe(400);
    expect((await send('upload:nope?sig=x', PNG, 0)).status).toBe(400);
    const opened = await open(`file_length=${PNG.length}&file_type=image/png`);
    expect((await send(opened.body.id as string, PNG, 0, 'OAuth wrong')).status).toBe(401);
  });
});
