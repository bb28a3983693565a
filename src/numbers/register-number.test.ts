import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv, WABA } from '../testing/sandbox-env.ts';

const OTHER_PNID = '106540352242999';
const OTHER_WABA = '102290129340999';

/** A number is filed only under a business account whose `GET /{waba_id}/phone_numbers` lists it. */
describe.each(testDialects)('registering a number checks its WABA with Graph on %s', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect, {
      sandbox: {
        numbers: [
          {
            wabaId: WABA,
            phoneNumberId: PNID,
            displayPhoneNumber: '15550783881',
            verifiedName: 'Coexist Demo',
          },
          {
            wabaId: OTHER_WABA,
            phoneNumberId: OTHER_PNID,
            displayPhoneNumber: '15550783999',
            verifiedName: 'Another Business',
          },
        ],
      },
    });
  });
  afterAll(async () => env.close());

  it('refuses a number Graph lists under another WABA, and files nothing', async () => {
    const res = await env.api('POST', '/api/numbers', { phone_number_id: OTHER_PNID, waba_id: WABA });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'NUMBER_NOT_IN_WABA',
      details: { phone_number_id: OTHER_PNID, waba_id: WABA },
    });
    const row = await env.db.db
      .selectFrom('phone_numbers')
      .select('id')
      .where('id', '=', OTHER_PNID)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('refuses a WABA Graph does not know, with the Graph error', async () => {
    const res = await env.api('POST', '/api/numbers', { phone_number_id: OTHER_PNID, waba_id: '999999999' });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('GRAPH_REQUEST_FAILED');
  });

  it('registers the number under the WABA that lists it', async () => {
    const res = await env.api('POST', '/api/numbers', { phone_number_id: OTHER_PNID, waba_id: OTHER_WABA });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      id: OTHER_PNID,
      waba_id: OTHER_WABA,
      verified_name: 'Another Business',
    });
  });
});
