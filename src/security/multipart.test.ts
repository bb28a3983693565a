import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedNumber, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

/** Malformed multipart bodies to `POST /api/media` are the client's fault: 400, never a 500. */
describe.each(testDialects)('malformed multipart on %s', (dialect) => {
  let h: TestApp;
  let token: string;
  beforeAll(async () => {
    h = await buildTestApp(dialect);
    await seedNumber(h.db, { id: NUMBER, waba_id: WABA });
    token = await h.token({ role: 'owner' });
  });
  afterAll(async () => h.close());

  const post = (contentType: string, payload: string | Buffer) =>
    h.app.inject({
      method: 'POST',
      url: '/api/media',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      payload,
    });

  const cases: [string, string, string | Buffer][] = [
    [
      'a body that is not multipart at all',
      'multipart/form-data; boundary=XYZ',
      'garbage, no boundary in sight',
    ],
    ['no boundary parameter', 'multipart/form-data', '--XYZ\r\n\r\n'],
    [
      'a part cut off before its end',
      'multipart/form-data; boundary=XYZ',
      `--XYZ\r\nContent-Disposition: form-data; name="phone_number_id"\r\n\r\n${NUMBER}\r\n--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG`,
    ],
    [
      'a part without Content-Disposition',
      'multipart/form-data; boundary=XYZ',
      '--XYZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XYZ--\r\n',
    ],
  ];
  const limits: [string, string, string][] = [
    [
      'too many fields',
      'multipart/form-data; boundary=XYZ',
      `${Array.from({ length: 10 }, (_, i) => `--XYZ\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('')}--XYZ--\r\n`,
    ],
    [
      'two files',
      'multipart/form-data; boundary=XYZ',
      `--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\na\r\n--XYZ\r\nContent-Disposition: form-data; name="file"; filename="b"\r\n\r\nb\r\n--XYZ--\r\n`,
    ],
  ];

  it.each(cases)('answers 400 VALIDATION_FAILED for %s', async (_name, contentType, payload) => {
    const res = await post(contentType, payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it.each(limits)('answers 413 PAYLOAD_TOO_LARGE for %s', async (_name, contentType, payload) => {
    const res = await post(contentType, payload);
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
