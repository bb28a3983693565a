import { unexpectedKey } from './errors.ts';

/**
 * The keys Meta's send schema knows, object by object. Graph refuses any other key inside a
 * parameter object with `(#100) Unexpected key "<key>" on param "<path>".` (paths written as
 * Meta writes them: `text`, `template['language']`, `template['components'][0]`). Top-level keys
 * of the body are Graph parameters and unknown ones are ignored, as Graph ignores them.
 *
 * A spec maps each known key to the spec of its value: `true` for a scalar (or anything the
 * schema leaves open), an object spec for a nested object, `[spec]` for an array of objects.
 */
type Spec = { readonly [key: string]: true | Spec | readonly [Spec] };

// `voice` marks an audio as a voice message (published clients send it).
const MEDIA: Spec = { id: true, link: true, caption: true, filename: true, provider: true, voice: true };
const NAMED_MEDIA = { image: MEDIA, video: MEDIA, document: MEDIA } as const;

const CONTACT: Spec = {
  addresses: [
    {
      street: true,
      city: true,
      state: true,
      zip: true,
      country: true,
      country_code: true,
      type: true,
    },
  ],
  birthday: true,
  emails: [{ email: true, type: true }],
  name: {
    formatted_name: true,
    first_name: true,
    last_name: true,
    middle_name: true,
    suffix: true,
    prefix: true,
  },
  org: { company: true, department: true, title: true },
  phones: [{ phone: true, type: true, wa_id: true }],
  urls: [{ url: true, type: true }],
};

const TEMPLATE_PARAMETER: Spec = {
  type: true,
  text: true,
  parameter_name: true,
  payload: true,
  coupon_code: true,
  currency: { fallback_value: true, code: true, amount_1000: true },
  date_time: {
    fallback_value: true,
    timestamp: true,
    day_of_week: true,
    year: true,
    month: true,
    day_of_month: true,
    hour: true,
    minute: true,
    calendar: true,
  },
  ...NAMED_MEDIA,
  location: { latitude: true, longitude: true, name: true, address: true },
  limited_time_offer: { expiration_time_ms: true },
  // Flow, catalog and multi-product button actions: open objects in Meta's schema.
  action: true,
  product: true,
};

const TEMPLATE_COMPONENT: Spec = {
  type: true,
  sub_type: true,
  index: true,
  parameters: [TEMPLATE_PARAMETER],
  // Carousel cards nest their own components; left open.
  cards: true,
};

const INTERACTIVE: Spec = {
  type: true,
  header: { type: true, text: true, sub_text: true, ...NAMED_MEDIA },
  body: { text: true },
  footer: { text: true },
  action: {
    button: true,
    buttons: [{ type: true, reply: { id: true, title: true } }],
    sections: [
      {
        title: true,
        rows: [{ id: true, title: true, description: true }],
        product_items: [{ product_retailer_id: true }],
      },
    ],
    catalog_id: true,
    product_retailer_id: true,
    name: true,
    // cta_url, flow and catalog parameters differ per kind; validated in validate-send.ts.
    parameters: true,
    cards: true,
  },
};

/** Spec of each object a send body may carry, by its top-level key. */
const BODY: Spec = {
  text: { body: true, preview_url: true },
  image: MEDIA,
  video: MEDIA,
  audio: MEDIA,
  document: MEDIA,
  sticker: MEDIA,
  location: { latitude: true, longitude: true, name: true, address: true },
  contacts: [CONTACT],
  reaction: { message_id: true, emoji: true },
  template: {
    name: true,
    namespace: true,
    language: { code: true, policy: true },
    components: [TEMPLATE_COMPONENT],
  },
  interactive: INTERACTIVE,
  context: { message_id: true },
  typing_indicator: { type: true },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function check(value: unknown, spec: true | Spec | readonly [Spec], path: string): void {
  if (spec === true) return;
  if (Array.isArray(spec)) {
    if (!Array.isArray(value)) return;
    for (const [i, item] of value.entries()) check(item, spec[0] as Spec, `${path}[${i}]`);
    return;
  }
  if (!isPlainObject(value)) return;
  const known = spec as Spec;
  for (const [key, inner] of Object.entries(value)) {
    const sub = known[key];
    if (sub === undefined) throw unexpectedKey(key, path);
    check(inner, sub, `${path}['${key}']`);
  }
}

/** Throws Meta's `Unexpected key` error for the first unknown key at any depth of a send body. */
export function checkSendKeys(body: Record<string, unknown>): void {
  for (const [key, spec] of Object.entries(BODY)) {
    if (body[key] !== undefined) check(body[key], spec, key);
  }
}
