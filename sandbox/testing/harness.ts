import { type Sandbox, type SandboxOptions, startSandbox } from '../index.ts';
import { TestReceiver } from './receiver.ts';

export const PNID = '106540352242922';
export const WABA = '102290129340398';
export const CUSTOMER = '16505551234';

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, asserted field by field in tests
export type Json = Record<string, any>;

/** A sandbox on a manual clock with a verified test receiver as its callback. */
export async function harness(
  options: SandboxOptions = {},
): Promise<{ sb: Sandbox; hub: TestReceiver; close: () => Promise<void> }> {
  const hub = await new TestReceiver().start();
  const sb = await startSandbox({
    clock: 'manual',
    seed: 7,
    customers: [{ waId: CUSTOMER, name: 'Ana' }],
    // Ordered statuses unless a test asks for Meta's realistic ones.
    statuses: 'strict',
    ...options,
  });
  await sb.setCallback(hub.url);
  return {
    sb,
    hub,
    close: async () => {
      await sb.close();
      await hub.close();
    },
  };
}

/** One Graph API call with the sandbox token (or `token`). */
export async function graph(
  sb: Sandbox,
  path: string,
  o: { method?: string; body?: unknown; token?: string | null; raw?: string } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {};
  if (o.token !== null) headers.authorization = `Bearer ${o.token ?? 'sandbox-access-token'}`;
  const hasBody = o.body !== undefined || o.raw !== undefined;
  if (hasBody) headers['content-type'] = 'application/json';
  const res = await fetch(`${sb.url}/v23.0/${path}`, {
    method: o.method ?? (hasBody ? 'POST' : 'GET'),
    headers,
    body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** `POST /{PNID}/messages` with `messaging_product` and `to` filled in. */
export function send(sb: Sandbox, body: Json, to = CUSTOMER) {
  return graph(sb, `${PNID}/messages`, { body: { messaging_product: 'whatsapp', to, ...body } });
}

/** Uploads a small file through `POST /{PNID}/media` and returns its media id. */
export async function uploadMedia(sb: Sandbox, mime: string, filename = 'file.bin'): Promise<string> {
  const upload = new FormData();
  upload.set('messaging_product', 'whatsapp');
  upload.set('file', new Blob([Buffer.from(`sandbox test ${mime}`)], { type: mime }), filename);
  const res = await fetch(`${sb.url}/v23.0/${PNID}/media`, {
    method: 'POST',
    headers: { authorization: 'Bearer sandbox-access-token' },
    body: upload,
  });
  const body = (await res.json()) as { id?: string };
  if (!body.id) throw new Error(`upload failed: ${JSON.stringify(body)}`);
  return body.id;
}
