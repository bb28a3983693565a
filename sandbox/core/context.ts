import type { ResolvedOptions } from '../options.ts';
import type { RateLimiter } from '../rules/rate-limit.ts';
import type { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import type { WebhookUpdate } from '../webhooks/envelope.ts';
import type { WorldState } from '../world/types.ts';
import type { Scheduler } from './clock.ts';
import type { IdFactory, Random } from './random.ts';

/** A request the sandbox received on its Graph API (what the hub sent), for the UI and tests. */
export interface RequestRecord {
  seq: number;
  at: number;
  method: string;
  url: string;
  status: number;
  body: unknown;
  response: unknown;
}

/** Everything the sandbox's features share; passed to every feature function as `ctx`. */
export interface SandboxContext {
  readonly options: ResolvedOptions;
  world: WorldState;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly ids: IdFactory;
  readonly webhooks: WebhookDispatcher;
  readonly limiter: RateLimiter;
  readonly requests: RequestRecord[];
  /** Bytes of uploaded and generated media, by media id. */
  readonly mediaBytes: Map<string, Buffer>;
  /** The sandbox's own base URL (`http://127.0.0.1:PORT`), known once it listens. */
  baseUrl: string;
  /** Typing indicators shown on customers' phones: chat key → until (sandbox ms). */
  readonly typing: Map<string, number>;
  /** Marks the world as changed (the persistence layer writes it out). */
  touch(): void;
  /** Queues a webhook update. */
  emit(update: WebhookUpdate): void;
  /** A 5-minute download URL for a media id. */
  mediaUrl(id: string): string;
  /** A delay in sandbox ms after applying the time factor. */
  delay(ms: number): number;
}
