import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from '../testing/sandbox-env.ts';

// The smallest valid PNG: 1×1, 8-bit RGBA.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

type UploadBody = { id: string; mime_type: string; file_size: number; error: { code: string } };

describe.each(testDialects)('media upload (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect);
  });
  afterAll(async () => {
    await env?.close();
  });

  const upload = async (fields: { phoneNumberId?: string; file?: Buffer }) => {
    const form = new FormData();
    if (fields.phoneNumberId) form.set('phone_number_id', fields.phoneNumberId);
    if (fields.file)
      form.set('file', new Blob([new Uint8Array(fields.file)], { type: 'image/png' }), 'dot.png');
    const res = await fetch(`${env.hub.url}/api/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.token}` },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as UploadBody };
  };

  it('uploads a file to Meta and sends it as an image by media id', async () => {
    const uploaded = await upload({ phoneNumberId: PNID, file: PNG });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ mime_type: 'image/png', file_size: PNG.length });
    const mediaId = uploaded.body.id;
    expect(env.sandbox.world.media[mediaId]).toMatchObject({ mimeType: 'image/png', fileSize: PNG.length });

    await env.customerWrites('16505551234');
    const sent = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: '+16505551234',
      type: 'image',
      image: { media_id: mediaId, caption: 'the dot' },
    });
    expect(sent.status).toBe(202);
    const onMeta = await env.waitFor(
      async () =>
        Object.values(env.sandbox.world.messages).find((m) => m.outbound?.bizOpaque === sent.body.id) ?? null,
      'the image to reach the sandbox',
    );
    expect(onMeta.content).toMatchObject({ id: mediaId, caption: 'the dot' });
  });

  it('refuses an upload without a file or a number, and a number it cannot see', async () => {
    const noFile = await upload({ phoneNumberId: PNID });
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.code).toBe('VALIDATION_FAILED');
    const noNumber = await upload({ file: PNG });
    expect(noNumber.status).toBe(400);
    const unknown = await upload({ phoneNumberId: '999', file: PNG });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });
});
