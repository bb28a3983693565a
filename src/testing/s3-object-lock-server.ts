import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * A stand-in S3 server on 127.0.0.1 (tests only) that speaks the parts of the real protocol the
 * archive's Object Lock copy uses, as strictly as S3 does:
 *
 * - every request must carry a valid AWS Signature Version 4 (`Authorization: AWS4-HMAC-SHA256`,
 *   region and service `s3`, every `x-amz-*` header and `host` signed, `x-amz-content-sha256`
 *   matching the body, a request time within 15 minutes);
 * - path-style `PUT /<bucket>/<key>` stores a new version; with `x-amz-object-lock-mode` it needs
 *   `x-amz-object-lock-retain-until-date` in the future, a bucket created with Object Lock, and a
 *   `Content-MD5` or `x-amz-checksum-*` header, which is checked against the body;
 *   `If-None-Match: *` is refused with 412 when the key exists;
 * - `GET`/`HEAD` return the newest version (or `?versionId=`) with its lock headers;
 * - `DELETE` of a version under `COMPLIANCE` retention is refused (403); without a version id it
 *   adds a delete marker and the locked versions stay, as on S3;
 * - `PUT ?retention` may not shorten a `COMPLIANCE` retention.
 */
export type S3ObjectVersion = {
  readonly versionId: string;
  readonly body: Buffer;
  readonly deleteMarker: boolean;
  readonly lockMode: string | null;
  readonly retainUntil: number | null;
  readonly contentType: string | null;
};

export type S3Server = {
  readonly url: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** bucket → key → versions, oldest first. */
  readonly buckets: Map<string, { objectLock: boolean; objects: Map<string, S3ObjectVersion[]> }>;
  /** Every request's method, path and status, for the tests to read. */
  readonly log: { method: string; path: string; status: number; code: string | null; signed: string[] }[];
  createBucket(name: string, options: { objectLock: boolean }): void;
  close(): Promise<void>;
};

const REGION = 'us-east-1';

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept). */
function uriEncode(text: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Checks a request's SigV4 signature; returns the S3 error code, or null when it holds. */
function checkSignature(
  req: IncomingMessage,
  body: Buffer,
  keys: Map<string, string>,
  now: number,
): string | null {
  const auth = req.headers.authorization ?? '';
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return 'AccessDenied';
  const [, keyId, date, region, signedHeaderList, signature] = m as unknown as string[];
  const secret = keys.get(keyId!);
  if (!secret) return 'InvalidAccessKeyId';
  if (region !== REGION) return 'AuthorizationHeaderMalformed';
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const t = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!t || amzDate.slice(0, 8) !== date) return 'AccessDenied';
  const at = Date.UTC(+t[1]!, +t[2]! - 1, +t[3]!, +t[4]!, +t[5]!, +t[6]!);
  if (Math.abs(now - at) > 15 * 60_000) return 'RequestTimeTooSkewed';
  const signed = signedHeaderList!.split(';');
  if (!signed.includes('host')) return 'AccessDenied';
  for (const name of Object.keys(req.headers))
    if (name.startsWith('x-amz-') && !signed.includes(name)) return 'AccessDenied';
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (!payloadHash) return 'InvalidRequest';
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== createHash('sha256').update(body).digest('hex'))
    return 'XAmzContentSHA256Mismatch';
  const url = new URL(req.url ?? '/', 'http://s3.local');
  const path = url.pathname
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment), false))
    .join('/');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headerLines = signed.map((name) => {
    const value = req.headers[name];
    const text = Array.isArray(value) ? value.join(',') : String(value ?? '');
    return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
  });
  const canonical = [req.method, path, query, headerLines.join(''), signedHeaderList, payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), 's3'), 'aws4_request');
  const expected = hmac(key, toSign);
  const given = Buffer.from(signature!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? null
    : 'SignatureDoesNotMatch';
}

/** The header names a request's signature covers. */
function signedOf(req: IncomingMessage): string[] {
  return /SignedHeaders=([a-z0-9;-]+)/.exec(req.headers.authorization ?? '')?.[1]?.split(';') ?? [];
}

/** Whether the body matches every integrity header sent; null when none was sent. */
function integrity(req: IncomingMessage, body: Buffer): boolean | null {
  const checks: boolean[] = [];
  const md5 = req.headers['content-md5'];
  if (typeof md5 === 'string') checks.push(createHash('md5').update(body).digest('base64') === md5);
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-checksum-') || name === 'x-amz-checksum-type' || typeof value !== 'string')
      continue;
    const algorithm = name.slice('x-amz-checksum-'.length);
    if (algorithm === 'sha256') checks.push(createHash('sha256').update(body).digest('base64') === value);
    else if (algorithm === 'sha1') checks.push(createHash('sha1').update(body).digest('base64') === value);
    else if (algorithm === 'crc32') {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(crc32(body));
      checks.push(b.toString('base64') === value);
    } else checks.push(false); // an algorithm this stand-in cannot check is refused, not trusted
  }
  return checks.length === 0 ? null : checks.every(Boolean);
}

const STATUS: Record<string, number> = {
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  RequestTimeTooSkewed: 403,
  AuthorizationHeaderMalformed: 400,
  XAmzContentSHA256Mismatch: 400,
  InvalidRequest: 400,
  InvalidArgument: 400,
  BadDigest: 400,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchVersion: 404,
  PreconditionFailed: 412,
  MethodNotAllowed: 405,
};

export async function startS3Server(input: { now?: () => number } = {}): Promise<S3Server> {
  const now = () => input.now?.() ?? Date.now();
  const accessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString('base64');
  const keys = new Map([[accessKeyId, secretAccessKey]]);
  const buckets: S3Server['buckets'] = new Map();
  const log: S3Server['log'] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const fail = (code: string, message: string) => {
      log.push({
        method: req.method ?? '',
        path: url.pathname,
        status: STATUS[code] ?? 400,
        code,
        signed: signedOf(req),
      });
      res.writeHead(STATUS[code] ?? 400, { 'content-type': 'application/xml' });
      res.end(
        req.method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      );
    };
    const ok = (status: number, headers: Record<string, string>, payload?: Buffer | string) => {
      log.push({ method: req.method ?? '', path: url.pathname, status, code: null, signed: signedOf(req) });
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : payload);
    };
    const denied = checkSignature(req, body, keys, now());
    if (denied)
      return fail(denied, 'The request signature we calculated does not match the signature you provided.');
    const [, bucketName, ...rest] = url.pathname.split('/');
    const key = rest.map((s) => decodeURIComponent(s)).join('/');
    const bucket = buckets.get(decodeURIComponent(bucketName ?? ''));
    if (!bucket) return fail('NoSuchBucket', 'The specified bucket does not exist');
    if (!key) return fail('MethodNotAllowed', 'Only object requests are served here');
    const versions = bucket.objects.get(key) ?? [];
    const versionId = url.searchParams.get('versionId');
    const pick = () => (versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1));
    const lockHeaders = (v: S3ObjectVersion): Record<string, string> => ({
      'x-amz-version-id': v.versionId,
      etag: `"${createHash('md5').update(v.body).digest('hex')}"`,
      ...(v.contentType ? { 'content-type': v.contentType } : {}),
      ...(v.lockMode && v.retainUntil !== null
        ? {
            'x-amz-object-lock-mode': v.lockMode,
            'x-amz-object-lock-retain-until-date': new Date(v.retainUntil).toISOString(),
          }
        : {}),
    });

    if (req.method === 'PUT' && url.searchParams.has('retention')) {
      const v = pick();
      if (!v || v.deleteMarker) return fail('NoSuchKey', 'The specified key does not exist.');
      const until = /<RetainUntilDate>([^<]+)<\/RetainUntilDate>/.exec(body.toString('utf8'))?.[1];
      const mode = /<Mode>([^<]+)<\/Mode>/.exec(body.toString('utf8'))?.[1];
      if (
        v.lockMode === 'COMPLIANCE' &&
        v.retainUntil !== null &&
        (mode !== 'COMPLIANCE' || !until || Date.parse(until) < v.retainUntil)
      )
        return fail('AccessDenied', 'Access Denied because object protected by object lock.');
      return fail('InvalidRequest', 'Only COMPLIANCE retention is modelled by this stand-in');
    }
    if (req.method === 'PUT') {
      if (req.headers['if-none-match'] === '*' && versions.length > 0 && !versions.at(-1)!.deleteMarker)
        return fail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      const check = integrity(req, body);
      if (check === false)
        return fail(
          'BadDigest',
          'The Content-MD5 or checksum value that you specified did not match what the server received.',
        );
      const mode = req.headers['x-amz-object-lock-mode'];
      const until = req.headers['x-amz-object-lock-retain-until-date'];
      let lockMode: string | null = null;
      let retainUntil: number | null = null;
      if (mode !== undefined || until !== undefined) {
        if (!bucket.objectLock) return fail('InvalidRequest', 'Bucket is missing Object Lock Configuration');
        if (mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE')
          return fail('InvalidArgument', 'Unknown wormMode directive.');
        const parsed = typeof until === 'string' ? Date.parse(until) : Number.NaN;
        if (!Number.isFinite(parsed))
          return fail(
            'InvalidArgument',
            'x-amz-object-lock-retain-until-date must be given with x-amz-object-lock-mode',
          );
        if (parsed <= now()) return fail('InvalidArgument', 'The retain until date must be in the future!');
        if (check === null)
          return fail(
            'InvalidRequest',
            'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
          );
        lockMode = mode;
        retainUntil = parsed;
      }
      const v: S3ObjectVersion = {
        versionId: randomBytes(16).toString('base64url'),
        body,
        deleteMarker: false,
        lockMode,
        retainUntil,
        contentType: typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : null,
      };
      bucket.objects.set(key, [...versions, v]);
      return ok(200, { 'x-amz-version-id': v.versionId, etag: lockHeaders(v).etag! });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const v = pick();
      if (!v || v.deleteMarker)
        return fail(versionId ? 'NoSuchVersion' : 'NoSuchKey', 'The specified key does not exist.');
      return ok(200, { ...lockHeaders(v), 'content-length': String(v.body.length) }, v.body);
    }
    if (req.method === 'DELETE') {
      if (!versionId) {
        const marker: S3ObjectVersion = {
          versionId: randomBytes(16).toString('base64url'),
          body: Buffer.alloc(0),
          deleteMarker: true,
          lockMode: null,
          retainUntil: null,
          contentType: null,
        };
        bucket.objects.set(key, [...versions, marker]);
        return ok(204, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId });
      }
      const v = pick();
      if (!v) return fail('NoSuchVersion', 'The specified version does not exist.');
      if (v.lockMode === 'COMPLIANCE' && v.retainUntil !== null && v.retainUntil > now())
        return fail('AccessDenied', 'Access Denied because object protected by object lock.');
      if (
        v.lockMode === 'GOVERNANCE' &&
        v.retainUntil !== null &&
        v.retainUntil > now() &&
        req.headers['x-amz-bypass-governance-retention'] !== 'true'
      )
        return fail('AccessDenied', 'Access Denied because object protected by object lock.');
      bucket.objects.set(
        key,
        versions.filter((x) => x !== v),
      );
      return ok(204, { 'x-amz-version-id': v.versionId });
    }
    return fail('MethodNotAllowed', 'The specified method is not allowed against this resource.');
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accessKeyId,
    secretAccessKey,
    buckets,
    log,
    createBucket(name, options) {
      buckets.set(name, { objectLock: options.objectLock, objects: new Map() });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
