import type { SandboxContext } from '../core/context.ts';
import { ownerSends } from '../phone/echo.ts';
import { addCustomer } from '../world/world.ts';
import { customerSends, type InboundInput } from './inbound.ts';

/** What the traffic generator sends: how many customers, how fast, which mix of message kinds. */
export interface TrafficOptions {
  customers?: number;
  /** Messages per second (sandbox time). */
  ratePerSec?: number;
  /** Alternative to ratePerSec for slow demo traffic. */
  perMinute?: number;
  /** Stop after this many messages (default: until stopped). */
  total?: number;
  phoneNumberId?: string;
  /** Weights: text, image, audio, document, location, reaction, interactive, owner (phone echo). */
  mix?: Partial<Record<TrafficKind, number>>;
}

type TrafficKind =
  | 'text'
  | 'image'
  | 'audio'
  | 'document'
  | 'location'
  | 'reaction'
  | 'interactive'
  | 'owner';
const DEFAULT_MIX: Record<TrafficKind, number> = {
  text: 70,
  image: 8,
  audio: 5,
  document: 3,
  location: 2,
  reaction: 4,
  interactive: 3,
  owner: 5,
};
const PHRASES = [
  'Hi!',
  'Is my order on the way?',
  'Thanks 🙏',
  'Can I book for Friday?',
  'What are your opening hours?',
  'Perfect',
  'How much is shipping?',
];

export interface TrafficState {
  running: boolean;
  sent: number;
  errors: number;
  options: TrafficOptions;
}

const generators = new WeakMap<SandboxContext, { state: TrafficState; cancel: () => void }>();

export function trafficState(ctx: SandboxContext): TrafficState {
  return generators.get(ctx)?.state ?? { running: false, sent: 0, errors: 0, options: {} };
}

export function stopTraffic(ctx: SandboxContext): TrafficState {
  const g = generators.get(ctx);
  if (g) {
    g.cancel();
    g.state.running = false;
  }
  return trafficState(ctx);
}

/** Starts simulated customers writing at `ratePerSec` with a realistic mix (for demos and benchmarks). */
export function startTraffic(ctx: SandboxContext, options: TrafficOptions): TrafficState {
  stopTraffic(ctx);
  const count = Math.max(1, Math.min(options.customers ?? 20, 100_000));
  const rate = Math.max(
    0.01,
    Math.min(options.ratePerSec ?? (options.perMinute !== undefined ? options.perMinute / 60 : 5), 10_000),
  );
  const mix = { ...DEFAULT_MIX, ...(options.mix ?? {}) };
  const waIds = Array.from({ length: count }, (_, i) => `1999${String(i).padStart(7, '0')}`);
  for (const [i, waId] of waIds.entries()) {
    if (!ctx.world.customers[waId]) addCustomer(ctx.world, { waId, name: `Traffic Customer ${i + 1}` });
  }
  const state: TrafficState = { running: true, sent: 0, errors: 0, options };
  let cancelled = false;
  let cancelTimer = () => {};
  const interval = 1000 / rate;
  const tick = () => {
    if (cancelled) return;
    const waId = ctx.random.pick(waIds);
    try {
      sendOne(ctx, { waId, kind: ctx.random.weighted(mix), phoneNumberId: options.phoneNumberId });
      state.sent++;
    } catch {
      state.errors++;
    }
    if (options.total !== undefined && state.sent + state.errors >= options.total) {
      state.running = false;
      return;
    }
    cancelTimer = ctx.scheduler.schedule(interval, tick);
  };
  cancelTimer = ctx.scheduler.schedule(0, tick);
  generators.set(ctx, {
    state,
    cancel: () => {
      cancelled = true;
      cancelTimer();
    },
  });
  return state;
}

/** The buttons or list rows of an interactive message the business sent, as the customer could tap them. */
function choicesIn(content: unknown): { kind: 'button_reply' | 'list_reply'; id: string; title: string }[] {
  const c = (content ?? {}) as {
    type?: string;
    action?: {
      buttons?: { reply?: { id?: string; title?: string } }[];
      sections?: { rows?: { id?: string; title?: string }[] }[];
    };
  };
  if (c.type === 'button') {
    return (c.action?.buttons ?? []).flatMap((b) =>
      b.reply?.id && b.reply.title
        ? [{ kind: 'button_reply' as const, id: b.reply.id, title: b.reply.title }]
        : [],
    );
  }
  if (c.type === 'list') {
    return (c.action?.sections ?? []).flatMap((s) =>
      (s.rows ?? []).flatMap((row) =>
        row.id && row.title ? [{ kind: 'list_reply' as const, id: row.id, title: row.title }] : [],
      ),
    );
  }
  return [];
}

/** What a customer answers to a question for a name or an email (in en, es or pt), if it is one. */
export function answerTo(content: unknown, name: string | undefined): string | null {
  const body = (content as { body?: unknown } | null)?.body;
  if (typeof body !== 'string' || !body.includes('?')) return null;
  const who = name ?? 'Alex Doe';
  if (/e-?mail|correo/i.test(body)) return `${who.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com`;
  if (/\bname\b|\bnombre\b|\bnome\b/i.test(body)) return who;
  return null;
}

function sendOne(
  ctx: SandboxContext,
  o: { waId: string; kind: TrafficKind; phoneNumberId: string | undefined },
): void {
  const r = ctx.random;
  const base = o.phoneNumberId ? { phoneNumberId: o.phoneNumberId } : {};
  if (o.kind === 'owner') {
    // The owner answers from the phone a chat that just had a customer message (as owners do), so
    // the hub sees a live echo in an active conversation and its bot steps aside there.
    const recent = Object.values(ctx.world.messages).findLast(
      (m) => m.direction === 'in' && (!o.phoneNumberId || m.phoneNumberId === o.phoneNumberId),
    );
    ownerSends(ctx, {
      ...base,
      to: recent?.waId ?? o.waId,
      message: {
        type: 'text',
        text: {
          body: r.pick([
            'On its way!',
            'See you then 👋',
            'Yes, we are open.',
            "Hi, it's Marta, I'll help you myself.",
          ]),
        },
      },
    });
    return;
  }
  const last = Object.values(ctx.world.messages).findLast((m) => m.waId === o.waId && m.direction === 'out');
  // A customer who was just sent buttons or a list mostly taps one of them.
  const offered = last?.type === 'interactive' ? choicesIn(last.content) : [];
  if (offered.length > 0 && r.next() < 0.7) {
    const pick = r.pick(offered);
    customerSends(ctx, {
      ...base,
      waId: o.waId,
      message: {
        type: 'interactive',
        interactive: { type: pick.kind, [pick.kind]: { id: pick.id, title: pick.title } },
      },
    });
    return;
  }
  // One who was just asked for a name or an email (a bot's lead capture) mostly gives it.
  const asked = last?.type === 'text' ? answerTo(last.content, ctx.world.customers[o.waId]?.name) : null;
  if (asked && r.next() < 0.8) {
    customerSends(ctx, { ...base, waId: o.waId, message: { type: 'text', text: { body: asked } } });
    return;
  }
  let message: InboundInput;
  switch (o.kind) {
    case 'image':
    case 'audio':
    case 'document':
      message = { type: o.kind, [o.kind]: o.kind === 'image' ? { caption: 'Photo' } : {} };
      break;
    case 'location':
      message = {
        type: 'location',
        location: { latitude: 38.72 + r.next() / 10, longitude: -9.14 + r.next() / 10, name: 'Here' },
      };
      break;
    case 'reaction':
      message = last
        ? { type: 'reaction', reaction: { message_id: last.id, emoji: r.pick(['👍', '❤️', '😂']) } }
        : { type: 'text', text: { body: r.pick(PHRASES) } };
      break;
    case 'interactive':
      message = {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
      };
      break;
    default:
      message = { type: 'text', text: { body: r.pick(PHRASES) } };
  }
  customerSends(ctx, { ...base, waId: o.waId, message });
}
