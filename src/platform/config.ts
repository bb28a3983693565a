import { isIP } from 'node:net';
import { z } from 'zod';
import type { DatabaseTimeouts } from './db/timeouts.ts';

/** The hub's configuration, read once from the environment at start-up and frozen. */
const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  COEXIST_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => v.startsWith('postgres://') || v.startsWith('postgresql://') || v.startsWith('sqlite:'), {
      message: 'must start with postgres://, postgresql:// or sqlite:',
    })
    .optional(),
  COEXIST_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  COEXIST_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  COEXIST_DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).default(5_000),
  META_APP_SECRET: z.string().min(8, 'must be at least 8 characters'),
  META_VERIFY_TOKEN: z.string().min(8, 'must be at least 8 characters'),
  META_GRAPH_URL: z.url().default('https://graph.facebook.com'),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v23.0')
    .default('v23.0'),
  META_ACCESS_TOKEN: z.string().optional(),
  META_APP_ID: z
    .string()
    .regex(/^\d{1,30}$/, 'must be the numeric Meta app id')
    .optional(),
  META_SIGNUP_CONFIG_ID: z
    .string()
    .regex(/^\d{1,30}$/, 'must be the numeric Facebook Login for Business configuration id')
    .optional(),
  META_SIGNUP_SDK_URL: z.url().default('https://connect.facebook.net/en_US/sdk.js'),
  META_SIGNUP_ORIGINS: z.string().default('https://www.facebook.com,https://web.facebook.com'),
  COEXIST_COEX_UNSUPPORTED_CODES: z
    .string()
    .regex(/^(\d{1,4}(,\d{1,4})*)?$/, 'must be calling codes (digits), comma-separated')
    .default('234,27'),
  COEXIST_META_UNREACHABLE_MAX_BACKOFF_MS: z.coerce.number().int().min(100).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COEXIST_NODE_ID: z.string().optional(),
  COEXIST_EVENT_RETENTION_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(7 * 24 * 3_600_000),
  COEXIST_PUBLIC_URL: z.url().optional(),
  COEXIST_TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|\d+|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/,
      'must be true, false, a hop count or addresses',
    )
    .default('false'),
  COEXIST_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  COEXIST_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  COEXIST_ARCHIVE_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, 'must have no spaces or +')
    .optional(),
  COEXIST_ARCHIVE_SIGNING_KEY: z
    .string()
    .regex(/^PRIVATE\+KEY\+[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/, 'must be PRIVATE+KEY+<name>+<id>+<key>')
    .optional(),
  COEXIST_ARCHIVE_CHECKPOINT_DIR: z.string().min(1).optional(),
  COEXIST_ARCHIVE_WITNESSES: z
    .string()
    .regex(
      /^\s*https?:\/\/\S+\s+\S+\+[0-9a-f]{8}\+\S+\s*(,\s*https?:\/\/\S+\s+\S+\+[0-9a-f]{8}\+\S+\s*)*$/,
      'must be "<url> <witness key>" pairs, comma-separated',
    )
    .optional(),
  COEXIST_ARCHIVE_SUBSCRIBER: z.enum(['on', 'off']).default('on'),
  COEXIST_WORKERS: z.enum(['on', 'off']).default('on'),
  COEXIST_ARCHIVE_S3_BUCKET: z.string().min(3).optional(),
  COEXIST_ARCHIVE_S3_REGION: z.string().min(1).default('us-east-1'),
  COEXIST_ARCHIVE_S3_ENDPOINT: z.url().optional(),
  COEXIST_ARCHIVE_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, 'must be a plain key prefix')
    .default(''),
  COEXIST_ARCHIVE_S3_RETAIN_DAYS: z.coerce.number().int().min(1).max(36_500).default(2555),
  COEXIST_ARCHIVE_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  COEXIST_ARCHIVE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  COEXIST_ARCHIVE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  COEXIST_MASTER_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]+:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]+:[A-Za-z0-9+/]{43}=)*$/,
      'must be id:base64 of 32 bytes, comma-separated',
    )
    .optional(),
  COEXIST_WEBHOOK_EGRESS_ALLOW: z
    .string()
    .refine((v) => v.split(',').every((c) => isCidr(c.trim())), 'must be CIDRs, comma-separated')
    .optional(),
  COEXIST_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  COEXIST_METRICS_LISTEN: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
    .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'the port must be at most 65535')
    .optional(),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  /** How long one database statement, a new connection and a SQLite write lock may take. */
  databaseTimeouts: DatabaseTimeouts;
  metaAppSecret: string;
  metaVerifyToken: string;
  metaGraphUrl: string;
  metaGraphVersion: string;
  metaAccessToken: string | undefined;
  /** The Meta app's id (Embedded Signup's `client_id`); unset = no Embedded Signup. */
  metaAppId: string | undefined;
  /** The Facebook Login for Business configuration id of Embedded Signup. */
  metaSignupConfigId: string | undefined;
  /** The Facebook JavaScript SDK the wizard loads (the sandbox serves a stand-in at `/sdk.js`). */
  metaSignupSdkUrl: string;
  /** Origins a `WA_EMBEDDED_SIGNUP` message may come from. */
  metaSignupOrigins: readonly string[];
  /** Calling codes Meta does not offer coexistence for (eligibility check). */
  coexUnsupportedCallingCodes: readonly string[];
  /** Longest pause between a number sender's attempts while Meta refuses connections. */
  metaUnreachableMaxBackoffMs: number;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  nodeId: string;
  /** How long the event log keeps an event that every durable subscriber has passed, in ms. */
  eventRetentionMs: number;
  publicUrl: string | undefined;
  /** Fastify's `trustProxy`: whom to believe about the client's address (X-Forwarded-For). */
  trustProxy: boolean | string;
  /** How long a client may take to send a whole request (headers and body) before it is dropped. */
  requestTimeoutMs: number;
  /** How long a connection may stay silent (no byte either way) before it is closed. */
  connectionTimeoutMs: number;
  /** The archive log's origin line and key name (`tlog-checkpoint`); from the public URL's host unless set. */
  archiveOrigin: string;
  /** The archive's Ed25519 signing key (signed-note form); generated and kept in the database when unset. */
  archiveSigningKey: string | undefined;
  /** Master keys for envelope encryption, `id:base64`, the first one current; unset = a key file in the data folder. */
  masterKeys: string | undefined;
  /** A folder every new checkpoint is also written to, once, as `<size>.checkpoint` (an append-only copy). */
  archiveCheckpointDir: string | undefined;
  /** C2SP tlog-witness witnesses each new checkpoint is sent to, as `<url> <witness key>` pairs. */
  archiveWitnesses: string | undefined;
  /** Whether this node runs the archive's subscriber (`off` only to measure its cost; it catches up when back on). */
  archiveSubscriber: boolean;
  /** False: this node only acknowledges webhooks and serves the API (no processing, subscribers, jobs or sending). */
  workers: boolean;
  /** An S3 bucket with Object Lock that checkpoints and log segments are copied to, write-once; unset = none. */
  archiveS3:
    | {
        bucket: string;
        region: string;
        endpoint: string | undefined;
        prefix: string;
        retainDays: number;
        forcePathStyle: boolean;
        credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      }
    | undefined;
  /** Private or local networks (CIDRs) outbound webhooks may reach anyway; every such address is refused otherwise. */
  webhookEgressAllow: readonly string[];
  /** The bearer token `GET /metrics` wants; unset = no metrics endpoint. */
  metricsToken: string | undefined;
  /** A separate address `GET /metrics` listens on (its own port, e.g. loopback only); unset = none. */
  metricsListen: { host: string; port: number } | undefined;
}>;

/** Thrown when the environment does not describe a valid configuration; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into a frozen {@link Config}; throws {@link ConfigError} listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = e.COEXIST_DATA_DIR;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${dataDir.replace(/\/$/, '')}/coexist.db`,
    databaseTimeouts: Object.freeze({
      statementMs: e.COEXIST_DB_STATEMENT_TIMEOUT_MS,
      connectMs: e.COEXIST_DB_CONNECT_TIMEOUT_MS,
      busyMs: e.COEXIST_DB_BUSY_TIMEOUT_MS,
    }),
    metaAppSecret: e.META_APP_SECRET,
    metaVerifyToken: e.META_VERIFY_TOKEN,
    metaGraphUrl: e.META_GRAPH_URL.replace(/\/$/, ''),
    metaGraphVersion: e.META_GRAPH_VERSION,
    metaAccessToken: e.META_ACCESS_TOKEN,
    metaAppId: e.META_APP_ID,
    metaSignupConfigId: e.META_SIGNUP_CONFIG_ID,
    metaSignupSdkUrl: e.META_SIGNUP_SDK_URL,
    metaSignupOrigins: Object.freeze(
      e.META_SIGNUP_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    ),
    coexUnsupportedCallingCodes: Object.freeze(
      e.COEXIST_COEX_UNSUPPORTED_CODES.split(',').filter((c) => c !== ''),
    ),
    metaUnreachableMaxBackoffMs: e.COEXIST_META_UNREACHABLE_MAX_BACKOFF_MS,
    logLevel: e.LOG_LEVEL,
    nodeId: e.COEXIST_NODE_ID ?? `node-${process.pid}`,
    eventRetentionMs: e.COEXIST_EVENT_RETENTION_MS,
    publicUrl: e.COEXIST_PUBLIC_URL,
    trustProxy: parseTrustProxy(e.COEXIST_TRUST_PROXY),
    requestTimeoutMs: e.COEXIST_REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: e.COEXIST_CONNECTION_TIMEOUT_MS,
    archiveOrigin:
      e.COEXIST_ARCHIVE_ORIGIN ??
      `${e.COEXIST_PUBLIC_URL ? new URL(e.COEXIST_PUBLIC_URL).host : 'coexist.localhost'}/archive`,
    archiveSigningKey: e.COEXIST_ARCHIVE_SIGNING_KEY,
    masterKeys: e.COEXIST_MASTER_KEYS,
    archiveCheckpointDir: e.COEXIST_ARCHIVE_CHECKPOINT_DIR,
    archiveWitnesses: e.COEXIST_ARCHIVE_WITNESSES,
    archiveSubscriber: e.COEXIST_ARCHIVE_SUBSCRIBER === 'on',
    workers: e.COEXIST_WORKERS === 'on',
    archiveS3: e.COEXIST_ARCHIVE_S3_BUCKET
      ? Object.freeze({
          bucket: e.COEXIST_ARCHIVE_S3_BUCKET,
          region: e.COEXIST_ARCHIVE_S3_REGION,
          endpoint: e.COEXIST_ARCHIVE_S3_ENDPOINT,
          prefix: e.COEXIST_ARCHIVE_S3_PREFIX,
          retainDays: e.COEXIST_ARCHIVE_S3_RETAIN_DAYS,
          forcePathStyle: e.COEXIST_ARCHIVE_S3_FORCE_PATH_STYLE === 'true',
          credentials:
            e.COEXIST_ARCHIVE_S3_ACCESS_KEY_ID && e.COEXIST_ARCHIVE_S3_SECRET_ACCESS_KEY
              ? {
                  accessKeyId: e.COEXIST_ARCHIVE_S3_ACCESS_KEY_ID,
                  secretAccessKey: e.COEXIST_ARCHIVE_S3_SECRET_ACCESS_KEY,
                }
              : undefined,
        })
      : undefined,
    webhookEgressAllow: Object.freeze(
      (e.COEXIST_WEBHOOK_EGRESS_ALLOW ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    ),
    metricsToken: e.COEXIST_METRICS_TOKEN,
    metricsListen: e.COEXIST_METRICS_LISTEN ? parseListen(e.COEXIST_METRICS_LISTEN) : undefined,
  });
}

function isCidr(value: string): boolean {
  const [address = '', bits, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || bits === undefined || rest.length > 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

function parseListen(value: string): { host: string; port: number } {
  const colon = value.lastIndexOf(':');
  return Object.freeze({
    host: value.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(value.slice(colon + 1)),
  });
}

function parseTrustProxy(value: string): boolean | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}
