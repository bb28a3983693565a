import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv, WABA } from '../testing/sandbox-env.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers.
type Loose = any;

/** The sandbox's Meta app (its Resumable Upload API answers for this id only). */
const SANDBOX_APP_ID = '1066870047736218';
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 3),
]);
const CUSTOMERS = ['34611200001', '34611200002'];

const SHOE_DROP = (handle: string) => ({
  waba_id: WABA,
  name: 'shoe_drop',
  language: 'es',
  category: 'UTILITY',
  parameter_format: 'named',
  header: { format: 'IMAGE', example_handle: handle },
  body: {
    text: 'Hola {{first_name}}, tu pedido {{order_id}} está listo.',
    examples: { first_name: 'Ana', order_id: 'A-17' },
  },
  footer: { text: 'Tienda Sol' },
  buttons: [
    { type: 'URL', text: 'Seguir', url: 'https://shop.test/track/{{1}}', example: 'A-17' },
    { type: 'PHONE_NUMBER', text: 'Llámanos', phone_number: '+34911222333' },
    { type: 'COPY_CODE', example: 'SOL10' },
    { type: 'QUICK_REPLY', text: 'Gracias' },
  ],
});

describe.each(testDialects)('media headers, named variables and button parameters (%s)', (dialect) => {
  let env: OutboundEnv;
  const upload = async (bytes: Buffer, type: string, headers: Record<string, string> = {}) => {
    const form = new FormData();
    form.set('waba_id', WABA);
    form.set('file', new Blob([new Uint8Array(bytes)], { type }), 'sample.png');
    const res = await fetch(`${env.hub.url}/api/templates/samples`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.token}`, ...headers },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Loose };
  };

  beforeAll(async () => {
    env = await startOutboundEnv(dialect, {
      sandbox: { templateReview: { delayMs: 300 } },
      env: { META_APP_ID: SANDBOX_APP_ID },
    });
    for (const waId of CUSTOMERS) await env.customerWrites(waId, 'hola');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('uploads the sample through the Resumable Upload API, and Meta approves the media template', async () => {
    const gif = await upload(Buffer.from('GIF89a'), 'image/gif');
    expect(gif.status).toBe(400);
    expect(gif.body.error.code).toBe('VALIDATION_FAILED');

    const sample = await upload(PNG, 'image/png');
    expect(sample.status, JSON.stringify(sample.body)).toBe(201);
    expect(sample.body.data).toMatchObject({
      format: 'IMAGE',
      mime_type: 'image/png',
      file_size: PNG.length,
    });
    const handle = sample.body.data.handle as string;

    const noSample = await env.api('POST', '/api/templates', {
      ...SHOE_DROP(handle),
      header: { format: 'IMAGE' },
    });
    expect(noSample.status).toBe(400);
    expect(noSample.body.error.details.problems).toEqual([
      'header: upload a sample image for the media header',
    ]);
    // A handle Meta never issued is Meta's refusal, shown with Meta's own words.
    const forged = await env.api('POST', '/api/templates', SHOE_DROP('4::forged'));
    expect(forged.status).toBe(502);
    expect(forged.body.error.code).toBe('GRAPH_REQUEST_FAILED');
    expect(forged.body.error.message).toMatch(/not a handle of an uploaded file/);

    const created = await env.api('POST', '/api/templates', SHOE_DROP(handle));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data.components[0]).toEqual({
      type: 'HEADER',
      format: 'IMAGE',
      example: { header_handle: [handle] },
    });
    const remote = (await env.sandbox.control.templates()).data.find((t: Loose) => t.name === 'shoe_drop');
    expect(remote?.parameterFormat).toBe('named');
    await env.waitFor(
      async () =>
        (await env.api('GET', `/api/templates/${created.body.data.id}`)).body.data.status === 'APPROVED',
      'approval',
    );
  });

  it('a campaign maps the media header, named variables, the URL variable and the copy code', async () => {
    const contacts = await env.db.db
      .selectFrom('contacts')
      .select(['id', 'wa_id'])
      .where('wa_id', 'in', CUSTOMERS)
      .orderBy('wa_id')
      .execute();
    const base = {
      name: 'Pedidos listos',
      phone_number_id: PNID,
      template: { name: 'shoe_drop', language: 'es' },
      audience: { contact_ids: contacts.map((c) => c.id) },
    };
    const incomplete = await env.api('POST', '/api/campaigns', {
      ...base,
      parameters: { body: [{ value: 'Ana' }, { value: 'A-1' }] },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.code).toBe('TEMPLATE_PARAMETERS_INVALID');
    expect(incomplete.body.error.details.problems).toEqual([
      'header: give the image every recipient gets (a link or a media id)',
      'body: map the named variables first_name, order_id',
      'button 1: map its URL variable',
      'button 3: map its copy code',
    ]);

    const created = await env.api('POST', '/api/campaigns', {
      ...base,
      parameters: {
        header: { type: 'image', link: 'https://cdn.shop.test/shoe.png' },
        body: {
          first_name: { attribute: 'first_name', fallback: 'cliente' },
          order_id: { attribute: 'order_id', fallback: 'SOL-1' },
        },
        buttons: { '0': { value: 'SOL-1' }, '2': { value: 'SOL10' } },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    const since = (await env.sandbox.control.requests()).data.at(-1)?.seq ?? 0;
    expect((await env.api('POST', `/api/campaigns/${id}/start`, {})).status).toBe(200);
    const sends = await env.waitFor(async () => {
      const r = (await env.sandbox.control.requests(Number(since))).data.filter(
        (q: Loose) => q.method === 'POST' && String(q.url).endsWith(`${PNID}/messages`) && q.status === 200,
      );
      return r.length === CUSTOMERS.length ? (r as Loose[]) : null;
    }, 'both sends to reach the sandbox');
    const template = sends[0].body.template;
    expect(template.name).toBe('shoe_drop');
    const byType = (type: string, index?: string) =>
      template.components.find((c: Loose) => c.type === type && (index === undefined || c.index === index));
    expect(byType('header').parameters).toEqual([
      { type: 'image', image: { link: 'https://cdn.shop.test/shoe.png' } },
    ]);
    expect(byType('body').parameters).toEqual([
      { type: 'text', parameter_name: 'first_name', text: expect.any(String) },
      { type: 'text', parameter_name: 'order_id', text: 'SOL-1' },
    ]);
    expect(byType('button', '0')).toMatchObject({
      sub_type: 'url',
      parameters: [{ type: 'text', text: 'SOL-1' }],
    });
    expect(byType('button', '2')).toMatchObject({
      sub_type: 'copy_code',
      parameters: [{ type: 'coupon_code', coupon_code: 'SOL10' }],
    });
    const progress = await env.waitFor(async () => {
      const p = (await env.api('GET', `/api/campaigns/${id}`)).body.data.progress;
      return p.sent + p.delivered + p.read >= CUSTOMERS.length ? p : null;
    }, 'the campaign to be sent');
    expect(progress.failed).toBe(0);
  });
});
