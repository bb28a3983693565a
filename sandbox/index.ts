import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { registerAddons } from './addons.ts';
import { SandboxControl } from './control/client.ts';
import { controlRoutes } from './control/routes.ts';
import { clockOf, type SandboxClock, Scheduler } from './core/clock.ts';
import type { RequestRecord, SandboxContext } from './core/context.ts';
import { createHttpServer } from './core/http.ts';
import { IdFactory, Random } from './core/random.ts';
import { resumeAfterRestart } from './customers/receipts.ts';
import { graphFaultRoutes } from './graph/faults.ts';
import { mediaDownloadRoute } from './graph/media.routes.ts';
import { mediaUrl } from './graph/media-store.ts';
import { graphRoutes, requireToken } from './graph/server.ts';
import { setTemplateStatus } from './graph/templates.routes.ts';
import { type ResolvedOptions, resolveOptions, type SandboxOptions } from './options.ts';
import { armInactivity } from './phone/lifecycle.ts';
import { RateLimiter } from './rules/rate-limit.ts';
import { signupRoutes } from './signup/signup.routes.ts';
import { verifyCallback, WebhookDispatcher } from './webhooks/dispatcher.ts';
import type { WebhookUpdate } from './webhooks/envelope.ts';
import { WorldStore } from './world/persistence.ts';
import type { WorldState } from './world/types.ts';
import { createWorld } from './world/world.ts';

export { SandboxControl, SandboxControlError } from './control/client.ts';
export type { SandboxClock } from './core/clock.ts';
export type { SandboxOptions } from './options.ts';
export { SANDBOX_DEFAULTS } from './options.ts';
export { SIGNUP_DEFAULTS } from './signup/signup-state.ts';
export { signBody } from './webhooks/sign.ts';

/** A running sandbox: Graph API at `${url}/{version}/…`, control API at `${url}/_sandbox/…`. */
export interface Sandbox {
  readonly url: string;
  readonly port: number;
  readonly clock: SandboxClock;
  readonly control: SandboxControl;
  readonly options: ResolvedOptions;
  /** The live world (numbers, customers, chats, templates); read it in tests, change it through `control`. */
  readonly world: WorldState;
  /** Does Meta's GET verify handshake against `url`, then delivers webhooks there. Throws if it fails. */
  setCallback(url: string, verifyToken?: string): Promise<void>;
  /** Resolves when no webhook is queued or in flight. */
  idle(): Promise<void>;
  /** The Fastify instance (to mount elsewhere or inject requests). */
  readonly server: FastifyInstance;
  close(): Promise<void>;
}

/** Starts a sandbox (a Meta Cloud API emulator with a simulated phone and customers). */
export async function startSandbox(input: SandboxOptions = {}): Promise<Sandbox> {
  const options = resolveOptions(input);
  const store = options.dataDir ? new WorldStore(options.dataDir) : null;
  const loaded = store?.load() ?? null;
  const start =
    options.clock === 'manual' ? Math.max(options.startTime, loaded?.world.savedAt ?? 0) : Date.now();
  const scheduler = new Scheduler(options.clock, start);
  const random = new Random(options.seed);
  const ids = new IdFactory(random);
  const world = loaded?.world ?? createWorld(options, () => ids.objectId(16));
  if (loaded) random.setState(loaded.world.randomState);
  let verifiedUrl: string | null = loaded?.world.callbackVerified ? loaded.world.callbackUrl : null;

  let saveTimer: NodeJS.Timeout | null = null;
  const save = () => {
    saveTimer = null;
    if (!store) return;
    world.randomState = random.getState();
    world.savedAt = scheduler.now();
    world.pendingWebhooks = webhooks.pending();
    store.save(world, ctx.mediaBytes);
  };

  const target = (u: WebhookUpdate): string | null => {
    if (!world.subscribedApps[u.wabaId]) return null;
    const number = u.phoneNumberId ? world.numbers[u.phoneNumberId] : undefined;
    // Template and account webhooks always go to the app callback; message fields follow overrides.
    if (number?.webhookOverride && u.field !== 'account_update') return number.webhookOverride.url;
    return verifiedUrl;
  };
  const webhooks = new WebhookDispatcher({
    scheduler,
    random,
    appSecret: () => options.appSecret,
    target,
    timeFactor: options.timeFactor,
    maxBatch: options.webhooks.maxBatch,
    concurrency: options.webhooks.concurrency,
    timeoutMs: options.webhooks.timeoutMs,
  });
  scheduler.settle = () => webhooks.idle();
  const idle = async () => {
    await scheduler.settled();
    await webhooks.idle();
  };

  const ctx: SandboxContext = {
    options,
    world,
    scheduler,
    random,
    ids,
    webhooks,
    limiter: new RateLimiter(options.rateLimits, options.pairLimit),
    requests: [] as RequestRecord[],
    mediaBytes: loaded?.media ?? new Map(),
    typing: new Map(),
    baseUrl: '',
    touch() {
      if (store && !saveTimer) {
        saveTimer = setTimeout(save, 250);
        saveTimer.unref();
      }
    },
    emit: (update) => webhooks.enqueue(update),
    delay: (ms) => ms / options.timeFactor,
    mediaUrl: (id) => mediaUrl(ctx, id),
  };

  const setCallback = async (url: string, verifyToken?: string) => {
    const check = await verifyCallback(url, verifyToken ?? options.verifyToken, ids.objectId(10));
    world.callbackUrl = url;
    world.callbackVerified = check.ok;
    verifiedUrl = check.ok ? url : null;
    ctx.touch();
    if (check.ok) webhooks.resume();
    return { url, verified: check.ok, status: check.status };
  };

  const app = await createHttpServer({ logger: options.logger });
  await app.register(graphRoutes(ctx));
  await app.register(mediaDownloadRoute(ctx, (req) => requireToken(ctx, req)));
  await app.register(signupRoutes(ctx));
  if (options.control) {
    await app.register(
      controlRoutes(ctx, {
        setCallback,
        config: () => currentConfig(ctx),
        configure: (patch) => configure(ctx, patch),
        register: (instance) => registerAddons(ctx, instance),
      }),
    );
    await app.register(graphFaultRoutes(ctx));
  }
  await app.listen({ port: options.port, host: options.host });
  const port = (app.server.address() as AddressInfo).port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  ctx.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  for (const n of Object.values(world.numbers)) armInactivity(ctx, n);
  if (loaded) resumeAfterRestart(ctx);
  for (const t of Object.values(world.templates)) {
    if (t.status === 'PENDING') {
      scheduler.schedule(ctx.delay(options.templateReview.delayMs), () => {
        if (t.status === 'PENDING') setTemplateStatus(ctx, t, 'APPROVED');
      });
    }
  }
  if (options.callbackUrl && options.callbackUrl !== verifiedUrl) await setCallback(options.callbackUrl);
  ctx.touch();

  const control = new SandboxControl(ctx.baseUrl);
  let closed = false;
  return {
    url: ctx.baseUrl,
    port,
    clock: clockOf(scheduler),
    control,
    options,
    get world() {
      return ctx.world;
    },
    server: app,
    async setCallback(url, verifyToken) {
      const r = await setCallback(url, verifyToken);
      if (!r.verified)
        throw new Error(`webhook verification failed for ${url} (HTTP ${r.status ?? 'no answer'})`);
    },
    idle,
    async close() {
      if (closed) return;
      closed = true;
      webhooks.close();
      scheduler.close();
      await app.close();
      if (saveTimer) clearTimeout(saveTimer);
      if (store) save();
    },
  };
}

function currentConfig(ctx: SandboxContext): Record<string, unknown> {
  return {
    rateLimits: ctx.limiter.enabled,
    statusDelays: ctx.options.statusDelays,
    statuses: ctx.options.statuses,
    statusQuirks: ctx.options.statusQuirks,
    unknownRecipients: ctx.options.unknownRecipients,
    mediaLinks: ctx.options.mediaLinks,
    deliveryErrors: ctx.options.deliveryErrors,
    timeFactor: ctx.options.timeFactor,
    faults: { ...ctx.webhooks.faults },
  };
}

function configure(ctx: SandboxContext, patch: Record<string, unknown>): Record<string, unknown> {
  const o = ctx.options as { -readonly [K in keyof ResolvedOptions]: ResolvedOptions[K] };
  if (typeof patch.rateLimits === 'boolean') ctx.limiter.enabled = patch.rateLimits;
  if (patch.statusDelays === false) o.statusDelays = false;
  else if (patch.statusDelays && typeof patch.statusDelays === 'object') {
    o.statusDelays = {
      sentMs: 50,
      deliveredMs: 200,
      readMs: 1000,
      ...(o.statusDelays || {}),
      ...(patch.statusDelays as object),
    };
  }
  if (patch.deliveryErrors === 'sync' || patch.deliveryErrors === 'webhook')
    o.deliveryErrors = patch.deliveryErrors;
  if (patch.statuses === 'strict' || patch.statuses === 'realistic') o.statuses = patch.statuses;
  if (patch.statusQuirks && typeof patch.statusQuirks === 'object') {
    const q = patch.statusQuirks as Record<string, unknown>;
    const rate = (v: unknown, d: number) => (typeof v === 'number' ? Math.min(1, Math.max(0, v)) : d);
    o.statusQuirks = {
      skipDelivered: rate(q.skipDelivered, o.statusQuirks.skipDelivered),
      reorder: rate(q.reorder, o.statusQuirks.reorder),
      duplicate: rate(q.duplicate, o.statusQuirks.duplicate),
    };
  }
  if (patch.unknownRecipients === 'create' || patch.unknownRecipients === 'not_on_whatsapp')
    o.unknownRecipients = patch.unknownRecipients;
  if (patch.mediaLinks === 'fetch' || patch.mediaLinks === 'accept') o.mediaLinks = patch.mediaLinks;
  const faults = patch.faults as Record<string, unknown> | undefined;
  if (faults && typeof faults === 'object') {
    const f = ctx.webhooks.faults;
    if (typeof faults.duplicateRate === 'number')
      f.duplicateRate = Math.min(1, Math.max(0, faults.duplicateRate));
    if (typeof faults.reorder === 'boolean') f.reorder = faults.reorder;
    if (typeof faults.delayMs === 'number') f.delayMs = Math.max(0, faults.delayMs);
    if (typeof faults.paused === 'boolean') {
      f.paused = faults.paused;
      if (!f.paused) ctx.webhooks.resume();
    }
  }
  return currentConfig(ctx);
}
