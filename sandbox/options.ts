/** Default identities shared by the hub, tests and `npm start` (see the team brief). */
export const SANDBOX_DEFAULTS = {
  appSecret: 'sandbox-app-secret',
  verifyToken: 'sandbox-verify-token',
  accessToken: 'sandbox-access-token',
  graphVersion: 'v23.0',
  wabaId: '102290129340398',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  verifiedName: 'Coexist Demo',
} as const;

/** Rates of Meta's status irregularities in the realistic status mode (each 0–1, per message). */
export interface StatusQuirks {
  /** `delivered` left out when the customer reads the message (only `read` arrives). Default 0.1. */
  skipDelivered: number;
  /** `delivered` arrives after `read`. Default 0.05. */
  reorder: number;
  /** One of the message's statuses arrives twice. Default 0.05. */
  duplicate: number;
}

export interface SandboxNumberOptions {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  /** A coexistence number (WhatsApp Business app + Cloud API); fixed 20 mps. Default true. */
  coexistence?: boolean;
  /** Overrides the throughput (messages per second): 20 for coexistence, 80 otherwise. */
  throughputMps?: number;
}

export interface SandboxCustomerOptions {
  waId: string;
  name: string;
  /** Business-scoped user id (`US.1349…`), sent as `user_id` in webhooks. */
  bsuid?: string;
  /** Parent business-scoped user id (`US.ENT.…`), sent as `parent_user_id`. */
  parentBsuid?: string;
  /** A WhatsApp username, sent as `profile.username`. */
  username?: string;
  /**
   * Known only by BSUID (needs `bsuid`): webhooks leave out `wa_id`, `from` and `recipient_id` and
   * carry `user_id`, `from_user_id` and `recipient_user_id`, as Meta does for a username user
   * whose number it may not share. Sends reach them through `recipient`. Default false.
   */
  phoneHidden?: boolean;
  /** false: sends to this customer fail with 131026. Default true. */
  onWhatsApp?: boolean;
  /** The customer reads what the business sends (read statuses). Default true. */
  autoRead?: boolean;
}

export interface SandboxTemplateOptions {
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  status?: string;
  parameterFormat?: 'named' | 'positional';
  components: Record<string, unknown>[];
  wabaId?: string;
}

export interface StatusDelays {
  sentMs: number;
  deliveredMs: number;
  readMs: number;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** undefined = in-memory; a folder = persistent state (survives a restart). */
  dataDir?: string;
  /** Seed of every random choice (ids, generated history, traffic). Default 42. */
  seed?: number;
  /** 'manual': time moves only with `sandbox.clock.advance(ms)`. Default 'real'. */
  clock?: 'manual' | 'real';
  /** Start time of a manual clock (ms). Default 2026-11-25T12:00:00Z. */
  startTime?: number;
  /** Divides every simulated delay (statuses, webhook retries, template review, 14-day rule). */
  timeFactor?: number;
  appSecret?: string;
  verifyToken?: string;
  accessToken?: string;
  /** Extra accepted Bearer tokens. */
  extraAccessTokens?: string[];
  callbackUrl?: string;
  /** false: no automatic sent/delivered/read statuses. */
  statusDelays?: Partial<StatusDelays> | false;
  /**
   * 'realistic' (default): statuses as Meta sends them, `delivered` sometimes skipped, some out of
   * order or twice (rates in `statusQuirks`, drawn from `seed`). 'strict': always sent → delivered →
   * read in order, once each (deterministic tests).
   */
  statuses?: 'realistic' | 'strict';
  statusQuirks?: Partial<StatusQuirks>;
  /** 'fetch' (default): `link` media are fetched after the send is accepted (131053 when that fails). 'accept': links are not fetched. */
  mediaLinks?: 'fetch' | 'accept';
  /** false switches throughput and pair rate limits off (benchmarks). */
  rateLimits?: boolean;
  /** Pair rate limit: burst size and refill interval per (number, recipient). */
  pairLimit?: { burst: number; everyMs: number };
  numbers?: SandboxNumberOptions[];
  customers?: SandboxCustomerOptions[];
  /** Templates present at start (default: a few APPROVED ones, see docs/sandbox.md). */
  templates?: SandboxTemplateOptions[];
  /** Template review: delay before APPROVED/REJECTED, and names that get REJECTED. */
  templateReview?: { delayMs?: number; rejectNames?: string[] };
  /** Recipients not in the customer list: not on WhatsApp, sends fail with 131026 (default), or 'create' them on WhatsApp. */
  unknownRecipients?: 'create' | 'not_on_whatsapp';
  /** Errors Meta reports after accepting a send (131047, 131026, 131050): as a failed status webhook (default) or synchronously. */
  deliveryErrors?: 'webhook' | 'sync';
  /** Generated history for the history sync. */
  history?: { contacts?: number; messagesPerContact?: number; chunkSize?: number };
  /** Webhook delivery tuning. */
  webhooks?: { maxBatch?: number; concurrency?: number; timeoutMs?: number };
  /** Serve the control API and UI under /_sandbox (default true). */
  control?: boolean;
  /** Log lines (default: silent). */
  logger?: boolean;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  dataDir: string | undefined;
  seed: number;
  clock: 'manual' | 'real';
  startTime: number;
  timeFactor: number;
  appSecret: string;
  verifyToken: string;
  accessTokens: Set<string>;
  accessToken: string;
  callbackUrl: string | undefined;
  statusDelays: StatusDelays | false;
  statuses: 'realistic' | 'strict';
  statusQuirks: StatusQuirks;
  mediaLinks: 'fetch' | 'accept';
  rateLimits: boolean;
  pairLimit: { burst: number; everyMs: number };
  numbers: Required<SandboxNumberOptions>[];
  customers: SandboxCustomerOptions[];
  templates: SandboxTemplateOptions[] | undefined;
  templateReview: { delayMs: number; rejectNames: string[] };
  unknownRecipients: 'create' | 'not_on_whatsapp';
  deliveryErrors: 'webhook' | 'sync';
  history: { contacts: number; messagesPerContact: number; chunkSize: number };
  webhooks: { maxBatch: number; concurrency: number; timeoutMs: number };
  control: boolean;
  logger: boolean;
}

export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  const accessToken = options.accessToken ?? SANDBOX_DEFAULTS.accessToken;
  const numbers = (
    options.numbers ?? [
      {
        wabaId: SANDBOX_DEFAULTS.wabaId,
        phoneNumberId: SANDBOX_DEFAULTS.phoneNumberId,
        displayPhoneNumber: SANDBOX_DEFAULTS.displayPhoneNumber,
        verifiedName: SANDBOX_DEFAULTS.verifiedName,
        coexistence: true,
      },
    ]
  ).map((n) => {
    const coexistence = n.coexistence ?? true;
    return { ...n, coexistence, throughputMps: n.throughputMps ?? (coexistence ? 20 : 80) };
  });
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    dataDir: options.dataDir,
    seed: options.seed ?? 42,
    clock: options.clock ?? 'real',
    startTime: options.startTime ?? Date.UTC(2026, 10, 25, 12, 0, 0),
    timeFactor: options.timeFactor && options.timeFactor > 0 ? options.timeFactor : 1,
    appSecret: options.appSecret ?? SANDBOX_DEFAULTS.appSecret,
    verifyToken: options.verifyToken ?? SANDBOX_DEFAULTS.verifyToken,
    accessToken,
    accessTokens: new Set([accessToken, ...(options.extraAccessTokens ?? [])]),
    callbackUrl: options.callbackUrl,
    statusDelays:
      options.statusDelays === false
        ? false
        : { sentMs: 50, deliveredMs: 200, readMs: 1000, ...(options.statusDelays ?? {}) },
    statuses: options.statuses ?? 'realistic',
    statusQuirks: { skipDelivered: 0.1, reorder: 0.05, duplicate: 0.05, ...(options.statusQuirks ?? {}) },
    mediaLinks: options.mediaLinks ?? 'fetch',
    rateLimits: options.rateLimits ?? true,
    pairLimit: options.pairLimit ?? { burst: 45, everyMs: 6000 },
    numbers,
    customers: options.customers ?? [{ waId: '16505551234', name: 'Pablo Morales' }],
    templates: options.templates,
    templateReview: {
      delayMs: options.templateReview?.delayMs ?? 2000,
      rejectNames: options.templateReview?.rejectNames ?? [],
    },
    unknownRecipients: options.unknownRecipients ?? 'not_on_whatsapp',
    deliveryErrors: options.deliveryErrors ?? 'webhook',
    history: {
      contacts: options.history?.contacts ?? 5,
      messagesPerContact: options.history?.messagesPerContact ?? 20,
      chunkSize: options.history?.chunkSize ?? 40,
    },
    webhooks: {
      maxBatch: options.webhooks?.maxBatch ?? 100,
      concurrency: options.webhooks?.concurrency ?? 4,
      timeoutMs: options.webhooks?.timeoutMs ?? 10_000,
    },
    control: options.control ?? true,
    logger: options.logger ?? false,
  };
}
