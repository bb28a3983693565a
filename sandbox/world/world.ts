import type { ResolvedOptions, SandboxTemplateOptions } from '../options.ts';
import type {
  ChatMessage,
  CustomerState,
  NumberState,
  TemplateState,
  WindowState,
  WorldState,
} from './types.ts';

export const DAY_MS = 86_400_000;

/** Templates every fresh world has, APPROVED (the hub's tests and demos rely on them). */
export const DEFAULT_TEMPLATES: SandboxTemplateOptions[] = [
  {
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      { type: 'BODY', text: 'Welcome and congratulations!! This message is from Coexist Demo.' },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  },
  {
    name: 'order_confirmation',
    language: 'en_US',
    category: 'UTILITY',
    parameterFormat: 'named',
    components: [
      {
        type: 'BODY',
        text: 'Thank you, {{first_name}}! Your order number is {{order_number}}.',
        example: { body_text_named_params: [] },
      },
    ],
  },
  {
    name: 'seasonal_promo',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Our {{1}} is on!' },
      { type: 'BODY', text: 'Shop now through {{1}} and use code {{2}} to get {{3}} off.' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Unsubscribe' },
          { type: 'URL', text: 'Shop', url: 'https://example.com/shop/{{1}}' },
        ],
      },
    ],
  },
  {
    name: 'appointment_reminder',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'BODY', text: 'Hi {{1}}, this is a reminder of your appointment on {{2}}.' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Confirm' }] },
    ],
  },
];

export function windowKey(phoneNumberId: string, waId: string): string {
  return `${phoneNumberId}:${waId}`;
}

/** Builds a fresh world from the options. */
export function createWorld(options: ResolvedOptions, templateId: () => string): WorldState {
  const now = options.clock === 'manual' ? options.startTime : Date.now();
  const world: WorldState = {
    version: 1,
    randomState: 0,
    numbers: {},
    customers: {},
    messages: {},
    windows: {},
    templates: {},
    media: {},
    phoneContacts: {},
    subscribedApps: {},
    callbackUrl: null,
    callbackVerified: false,
    savedAt: now,
  };
  for (const n of options.numbers) {
    world.numbers[n.phoneNumberId] = {
      wabaId: n.wabaId,
      phoneNumberId: n.phoneNumberId,
      displayPhoneNumber: n.displayPhoneNumber,
      verifiedName: n.verifiedName,
      coexistence: n.coexistence,
      throughputMps: n.throughputMps,
      connected: true,
      onboardedAt: now,
      lastAppOpenAt: now,
      contactsSyncRequestedAt: null,
      historySyncRequestedAt: null,
      historySharing: 'accept',
      disconnectReason: null,
      webhookOverride: null,
    };
    world.phoneContacts[n.phoneNumberId] = {};
    world.subscribedApps[n.wabaId] = true;
  }
  for (const c of options.customers) addCustomer(world, c);
  const wabaIds = [...new Set(options.numbers.map((n) => n.wabaId))];
  for (const t of options.templates ?? DEFAULT_TEMPLATES) {
    for (const wabaId of t.wabaId ? [t.wabaId] : wabaIds) {
      const id = templateId();
      world.templates[id] = {
        id,
        wabaId,
        name: t.name,
        language: t.language,
        category: t.category,
        status: t.status ?? 'APPROVED',
        parameterFormat: t.parameterFormat ?? 'positional',
        components: t.components,
        createdAt: now,
        rejectedReason: 'NONE',
      };
    }
  }
  // Every customer the world starts with is in the phone book of every number.
  for (const n of Object.values(world.numbers)) {
    for (const c of Object.values(world.customers)) {
      world.phoneContacts[n.phoneNumberId]![c.waId] = {
        phoneNumber: c.waId,
        fullName: c.name,
        firstName: c.name.split(' ')[0] ?? c.name,
        updatedAt: now,
      };
    }
  }
  return world;
}

export function addCustomer(
  world: WorldState,
  c: {
    waId: string;
    name: string;
    bsuid?: string | null;
    parentBsuid?: string | null;
    username?: string | null;
    phoneHidden?: boolean;
    onWhatsApp?: boolean;
    autoRead?: boolean;
  },
): CustomerState {
  const existing = world.customers[c.waId];
  const customer: CustomerState = {
    waId: c.waId,
    name: c.name,
    bsuid: c.bsuid ?? existing?.bsuid ?? null,
    parentBsuid: c.parentBsuid ?? existing?.parentBsuid ?? null,
    username: c.username ?? existing?.username ?? null,
    // Only a customer with a BSUID can be known by it alone.
    phoneHidden: Boolean((c.bsuid ?? existing?.bsuid) && (c.phoneHidden ?? existing?.phoneHidden)),
    onWhatsApp: c.onWhatsApp ?? existing?.onWhatsApp ?? true,
    autoRead: c.autoRead ?? existing?.autoRead ?? true,
    marketingStopped: existing?.marketingStopped ?? false,
  };
  world.customers[c.waId] = customer;
  return customer;
}

export function getWindow(world: WorldState, phoneNumberId: string, waId: string): WindowState {
  const key = windowKey(phoneNumberId, waId);
  let w = world.windows[key];
  if (!w) {
    w = { lastInboundAt: null, referralAt: null, fepUntil: null, fepId: null };
    world.windows[key] = w;
  }
  return w;
}

export function findNumber(world: WorldState, phoneNumberId: string): NumberState | undefined {
  return world.numbers[phoneNumberId];
}

export function findTemplate(
  world: WorldState,
  q: { wabaId: string; name: string; language: string },
): TemplateState | undefined {
  return Object.values(world.templates).find(
    (t) => t.wabaId === q.wabaId && t.name === q.name && t.language === q.language,
  );
}

/** Messages of one chat, oldest first. */
export function chatMessages(world: WorldState, phoneNumberId: string, waId: string): ChatMessage[] {
  return Object.values(world.messages)
    .filter((m) => m.phoneNumberId === phoneNumberId && m.waId === waId)
    .sort((a, b) => a.timestamp - b.timestamp);
}
