import type { SandboxContext } from '../core/context.ts';
import { webhookError } from '../graph/errors.ts';
import { createMedia, sampleMedia } from '../graph/media-store.ts';
import { messageValue } from '../webhooks/envelope.ts';
import type { ChatMessage, NumberState } from '../world/types.ts';
import { addCustomer, DAY_MS } from '../world/world.ts';

type Obj = Record<string, unknown>;

const FIRST = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Giulia',
  'Hiro',
  'Inès',
  'Jonas',
  'Kemal',
  'Lucía',
  'Mei',
  'Nadia',
  'Omar',
  'Priya',
];
const LAST = [
  'Silva',
  'Okafor',
  'Müller',
  'Rossi',
  'Tanaka',
  'Haddad',
  'Kowalski',
  'Nguyen',
  'García',
  'Dubois',
];
const LINES = [
  'Hi! Is the shop open on Saturday?',
  'Yes, from 9 to 5.',
  'Can I change my order?',
  'Of course, what would you like?',
  'Thanks a lot!',
  'Your order has shipped 📦',
  'When will it arrive?',
  'Tomorrow before noon.',
  'Do you have it in blue?',
  'We have blue and green.',
  'Perfect, I will take blue.',
  'Here is the invoice.',
  'See you soon 👋',
  'Is there parking nearby?',
];
const MIX = {
  text: 70,
  image: 9,
  audio: 6,
  video: 3,
  document: 5,
  sticker: 3,
  location: 2,
  contacts: 2,
} as const;
const MEDIA = new Set(['image', 'audio', 'video', 'document', 'sticker']);

interface Item {
  waId: string;
  ts: number;
  wire: Obj;
  mediaType: string | null;
}

/** Phase of an item by its age before onboarding: 0 = day 0–1, 1 = day 1–90, 2 = day 90–180. */
function phaseOf(ageMs: number): 0 | 1 | 2 {
  if (ageMs < DAY_MS) return 0;
  if (ageMs < 90 * DAY_MS) return 1;
  return 2;
}

/**
 * The owner accepted history sharing: generates up to 6 months of chats (configurable contacts and
 * messages, a realistic mix of types) and delivers them as `history` webhooks in phases and
 * chunks, out of order (the final chunk, progress 100, comes last), then the media of the last
 * 14 days as separate `history` webhooks with `messages[]`. Returns the number of items.
 */
export function shareHistory(ctx: SandboxContext, number: NumberState): number {
  const { contacts, messagesPerContact, chunkSize } = ctx.options.history;
  const r = ctx.random;
  const onboardedAt = number.onboardedAt;
  const threads: string[] = Object.keys(ctx.world.phoneContacts[number.phoneNumberId] ?? {}).slice(
    0,
    contacts,
  );
  while (threads.length < contacts) {
    const waId = `1650555${r.digits(4)}`;
    if (threads.includes(waId)) continue;
    threads.push(waId);
    if (!ctx.world.customers[waId])
      addCustomer(ctx.world, { waId, name: `${r.pick(FIRST)} ${r.pick(LAST)}` });
  }
  const items: Item[] = [];
  for (const waId of threads) {
    for (let i = 0; i < messagesPerContact; i++) {
      const roll = r.next();
      const age =
        roll < 0.15
          ? r.int(60_000, DAY_MS - 1)
          : roll < 0.65
            ? r.int(DAY_MS, 90 * DAY_MS - 1)
            : r.int(90 * DAY_MS, 180 * DAY_MS - 1);
      items.push(generateItem(ctx, number, waId, onboardedAt - age));
    }
  }
  items.sort((a, b) => a.ts - b.ts);
  for (const it of items) storeItem(ctx, number, it);

  const chunks: { phase: number; order: number; items: Item[] }[] = [];
  for (const phase of [0, 1, 2] as const) {
    const inPhase = items.filter((it) => phaseOf(onboardedAt - it.ts) === phase).reverse();
    for (let i = 0, order = 1; i < inPhase.length; i += chunkSize, order++) {
      chunks.push({ phase, order, items: inPhase.slice(i, i + chunkSize) });
    }
  }
  let done = 0;
  const payloads = chunks.map((c) => {
    done += c.items.length;
    const progress = done === items.length ? 100 : Math.floor((done / items.length) * 100);
    return { chunk: c, progress };
  });
  const last = payloads.pop();
  const order = [...r.shuffle(payloads), ...(last ? [last] : [])];
  order.forEach((p, i) => {
    ctx.scheduler.schedule(ctx.delay(300 * (i + 1)), () => emitChunk(ctx, number, p.chunk, p.progress));
  });
  const recentMedia = items.filter((it) => it.mediaType && onboardedAt - it.ts < 14 * DAY_MS);
  recentMedia.forEach((it, i) => {
    ctx.scheduler.schedule(ctx.delay(300 * (order.length + 1) + 100 * i), () =>
      emitHistoryMedia(ctx, number, it),
    );
  });
  ctx.touch();
  return items.length;
}

function generateItem(ctx: SandboxContext, number: NumberState, waId: string, ts: number): Item {
  const r = ctx.random;
  const fromBusiness = r.next() < 0.5;
  const kind = r.weighted(MIX);
  const wire: Obj = {
    from: fromBusiness ? number.displayPhoneNumber : waId,
    id: ctx.ids.wamid(waId),
    timestamp: String(Math.floor(ts / 1000)),
  };
  if (fromBusiness && r.next() < 0.5) wire.to = waId;
  if (MEDIA.has(kind)) {
    wire.type = 'media_placeholder';
  } else if (kind === 'location') {
    wire.type = 'location';
    wire.location = {
      latitude: 38.7223 + r.next() / 100,
      longitude: -9.1393 + r.next() / 100,
      name: 'Shop',
      address: 'Rua Augusta 1, Lisboa',
    };
  } else if (kind === 'contacts') {
    wire.type = 'contacts';
    const name = `${r.pick(FIRST)} ${r.pick(LAST)}`;
    const phone = `1650555${r.digits(4)}`;
    wire.contacts = [
      {
        name: { formatted_name: name, first_name: name.split(' ')[0] },
        phones: [{ phone: `+${phone}`, wa_id: phone, type: 'CELL' }],
      },
    ];
  } else {
    wire.type = 'text';
    wire.text = { body: r.pick(LINES) };
  }
  const status = fromBusiness ? r.pick(['READ', 'READ', 'DELIVERED', 'SENT']) : 'READ';
  wire.history_context = { status: kind === 'audio' && status === 'READ' ? 'PLAYED' : status };
  return { waId, ts, wire, mediaType: MEDIA.has(kind) ? kind : null };
}

function storeItem(ctx: SandboxContext, number: NumberState, it: Item): void {
  const out = it.wire.from === number.displayPhoneNumber;
  const type = String(it.wire.type);
  const msg: ChatMessage = {
    id: String(it.wire.id),
    phoneNumberId: number.phoneNumberId,
    waId: it.waId,
    direction: out ? 'out' : 'in',
    source: 'history',
    type: it.mediaType ?? type,
    content: it.wire[type] ?? { placeholder: true },
    context: null,
    timestamp: it.ts,
    status: out ? 'read' : 'received',
    errorCode: null,
    pricing: null,
    templateCategory: null,
    editedAt: null,
    revokedAt: null,
    outbound: null,
  };
  ctx.world.messages[msg.id] = msg;
}

function emitChunk(
  ctx: SandboxContext,
  number: NumberState,
  c: { phase: number; order: number; items: Item[] },
  progress: number,
): void {
  const threads = new Map<string, Obj[]>();
  for (const it of c.items) {
    const list = threads.get(it.waId) ?? [];
    list.push(it.wire);
    threads.set(it.waId, list);
  }
  ctx.emit({
    wabaId: number.wabaId,
    field: 'history',
    phoneNumberId: number.phoneNumberId,
    time: null,
    value: messageValue(number, {
      history: [
        {
          metadata: { phase: c.phase, chunk_order: c.order, progress },
          threads: [...threads].map(([id, messages]) => ({ id, messages })),
        },
      ],
    }),
  });
}

function emitHistoryMedia(ctx: SandboxContext, number: NumberState, it: Item): void {
  const type = it.mediaType!;
  const sample = sampleMedia(type, ctx.random);
  const media = createMedia(ctx, {
    phoneNumberId: number.phoneNumberId,
    bytes: sample.bytes,
    mimeType: sample.mimeType,
    filename: sample.filename,
  });
  const content: Obj = {
    mime_type: media.mimeType,
    sha256: media.sha256,
    id: media.id,
    url: ctx.mediaUrl(media.id),
  };
  if (type === 'document') content.filename = media.filename;
  if (type === 'audio') content.voice = false;
  const stored = ctx.world.messages[String(it.wire.id)];
  if (stored) stored.content = content;
  ctx.emit({
    wabaId: number.wabaId,
    field: 'history',
    phoneNumberId: number.phoneNumberId,
    time: null,
    value: messageValue(number, {
      messages: [{ from: it.wire.from, id: it.wire.id, timestamp: it.wire.timestamp, type, [type]: content }],
    }),
  });
}

/** The owner declined history sharing: one `history` webhook with error 2593109. */
export function declineHistory(ctx: SandboxContext, number: NumberState): void {
  ctx.scheduler.schedule(ctx.delay(300), () =>
    ctx.emit({
      wabaId: number.wabaId,
      field: 'history',
      phoneNumberId: number.phoneNumberId,
      time: null,
      value: messageValue(number, { history: [{ errors: [stripHref(webhookError(2593109))] }] }),
    }),
  );
}

function stripHref(e: Obj): Obj {
  const { href: _href, ...rest } = e;
  return rest;
}
