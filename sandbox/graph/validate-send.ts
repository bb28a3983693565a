import { GraphError } from './errors.ts';

type Obj = Record<string, unknown>;

const SEND_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'template',
  'interactive',
] as const;
export type SendType = (typeof SEND_TYPES)[number];

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function missing(param: string): GraphError {
  return new GraphError(131008, { details: `The parameter ${param} is required.` });
}
function invalid(details: string): GraphError {
  return new GraphError(131009, { details });
}
function tooLong(param: string, max: number): GraphError {
  return new GraphError(100, {
    message: 'Invalid parameter',
    details: `Param ${param} must be at most ${max} characters long.`,
  });
}

function str(
  o: Obj,
  key: string,
  path: string,
  opts: { required?: boolean; max?: number } = {},
): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw missing(`${path}['${key}']`);
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(`Param ${path}['${key}'] must be a string.`);
  if (opts.max !== undefined && [...v].length > opts.max) throw tooLong(`${path}['${key}']`, opts.max);
  return v;
}

function obj(o: Obj, key: string, path: string, required = true): Obj | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw missing(`${path}['${key}']`);
    return undefined;
  }
  if (!isObj(v)) throw invalid(`Param ${path}['${key}'] must be an object.`);
  return v;
}

/** Checks the top-level `type` and returns it (default `text`). */
export function sendType(body: Obj): SendType {
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !(SEND_TYPES as readonly string[]).includes(type)) {
    throw new GraphError(100, {
      message: 'Invalid parameter',
      details: `Param type must be one of {${SEND_TYPES.join(', ')}} - got "${String(type)}".`,
    });
  }
  return type as SendType;
}

/** Validates the content object of one send type as Meta does; returns it unchanged when valid. */
export function validateContent(type: SendType, body: Obj): unknown {
  const content = body[type];
  if (content === undefined || content === null) throw missing(type);
  switch (type) {
    case 'text': {
      const t = asObj(content, 'text');
      str(t, 'body', 'text', { required: true, max: 4096 });
      if (t.preview_url !== undefined && typeof t.preview_url !== 'boolean') {
        throw invalid("Param text['preview_url'] must be a boolean.");
      }
      return t;
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return validateMedia(type, asObj(content, type));
    case 'location': {
      const l = asObj(content, 'location');
      for (const k of ['latitude', 'longitude']) {
        const v = l[k];
        if (v === undefined) throw missing(`location['${k}']`);
        const n = typeof v === 'string' ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isFinite(n))
          throw invalid(`Param location['${k}'] must be a number.`);
        if (k === 'latitude' && Math.abs(n) > 90)
          throw invalid("Param location['latitude'] is out of range.");
        if (k === 'longitude' && Math.abs(n) > 180)
          throw invalid("Param location['longitude'] is out of range.");
      }
      str(l, 'name', 'location', { max: 1000 });
      str(l, 'address', 'location', { max: 1000 });
      return l;
    }
    case 'contacts': {
      if (!Array.isArray(content) || content.length === 0)
        throw invalid('Param contacts must be a non-empty array.');
      content.forEach((c, i) => {
        if (!isObj(c)) throw invalid(`Param contacts[${i}] must be an object.`);
        const name = obj(c, 'name', `contacts[${i}]`);
        str(name!, 'formatted_name', `contacts[${i}]['name']`, { required: true });
        if (c.phones !== undefined && !Array.isArray(c.phones))
          throw invalid(`Param contacts[${i}]['phones'] must be an array.`);
      });
      return content;
    }
    case 'reaction': {
      const r = asObj(content, 'reaction');
      str(r, 'message_id', 'reaction', { required: true });
      if (r.emoji === undefined) throw missing("reaction['emoji']");
      if (typeof r.emoji !== 'string') throw invalid("Param reaction['emoji'] must be a string.");
      if ([...r.emoji].length > 2 && r.emoji.length > 10)
        throw invalid("Param reaction['emoji'] must be a single emoji.");
      return r;
    }
    case 'template': {
      const t = asObj(content, 'template');
      str(t, 'name', 'template', { required: true, max: 512 });
      const lang = obj(t, 'language', 'template');
      str(lang!, 'code', "template['language']", { required: true });
      if (t.components !== undefined && !Array.isArray(t.components)) {
        throw invalid("Param template['components'] must be an array.");
      }
      return t;
    }
    case 'interactive':
      return validateInteractive(asObj(content, 'interactive'));
  }
}

function asObj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw invalid(`Param ${path} must be an object.`);
  return v;
}

function validateMedia(type: string, m: Obj): Obj {
  const id = str(m, 'id', type);
  const link = str(m, 'link', type);
  if (!id && !link) throw missing(`${type}['id'] or ${type}['link']`);
  if (id && link) throw invalid(`Param ${type} must have either id or link, not both.`);
  if (link && !/^https?:\/\//i.test(link)) throw invalid(`Param ${type}['link'] must be a valid URL.`);
  if (m.caption !== undefined) {
    if (type === 'audio' || type === 'sticker') throw invalid(`Param ${type}['caption'] is not supported.`);
    str(m, 'caption', type, { max: 1024 });
  }
  if (m.filename !== undefined && type !== 'document')
    throw invalid(`Param ${type}['filename'] is not supported.`);
  return m;
}

function validateInteractive(i: Obj): Obj {
  const kind = str(i, 'type', 'interactive', { required: true });
  const action = obj(i, 'action', 'interactive', kind !== 'location_request_message' || true);
  const body = obj(i, 'body', 'interactive', kind !== 'product');
  const footer = obj(i, 'footer', 'interactive', false);
  if (footer) str(footer, 'text', "interactive['footer']", { required: true, max: 60 });
  const header = obj(i, 'header', 'interactive', false);
  switch (kind) {
    case 'button': {
      str(body!, 'text', "interactive['body']", { required: true, max: 1024 });
      if (header) validateHeader(header, ['text', 'image', 'video', 'document']);
      const buttons = action!.buttons;
      if (!Array.isArray(buttons) || buttons.length === 0) throw missing("interactive['action']['buttons']");
      if (buttons.length > 3)
        throw invalid("Param interactive['action']['buttons'] must have at most 3 items.");
      const ids = new Set<string>();
      buttons.forEach((b, n) => {
        const p = `interactive['action']['buttons'][${n}]`;
        if (!isObj(b) || b.type !== 'reply') throw invalid(`Param ${p}['type'] must be "reply".`);
        const reply = obj(b, 'reply', p);
        const id = str(reply!, 'id', `${p}['reply']`, { required: true, max: 256 })!;
        str(reply!, 'title', `${p}['reply']`, { required: true, max: 20 });
        if (ids.has(id)) throw invalid(`Param ${p}['reply']['id'] must be unique.`);
        ids.add(id);
      });
      return i;
    }
    case 'list': {
      str(body!, 'text', "interactive['body']", { required: true, max: 4096 });
      if (header) {
        if (header.type !== 'text')
          throw invalid("Param interactive['header']['type'] must be text for lists.");
        str(header, 'text', "interactive['header']", { required: true, max: 60 });
      }
      str(action!, 'button', "interactive['action']", { required: true, max: 20 });
      const sections = action!.sections;
      if (!Array.isArray(sections) || sections.length === 0)
        throw missing("interactive['action']['sections']");
      if (sections.length > 10)
        throw invalid("Param interactive['action']['sections'] must have at most 10 items.");
      let rows = 0;
      const ids = new Set<string>();
      sections.forEach((s, n) => {
        const p = `interactive['action']['sections'][${n}]`;
        if (!isObj(s)) throw invalid(`Param ${p} must be an object.`);
        str(s, 'title', p, { required: sections.length > 1, max: 24 });
        if (!Array.isArray(s.rows) || s.rows.length === 0) throw missing(`${p}['rows']`);
        s.rows.forEach((r, k) => {
          const rp = `${p}['rows'][${k}]`;
          if (!isObj(r)) throw invalid(`Param ${rp} must be an object.`);
          const id = str(r, 'id', rp, { required: true, max: 200 })!;
          str(r, 'title', rp, { required: true, max: 24 });
          str(r, 'description', rp, { max: 72 });
          if (ids.has(id)) throw invalid(`Param ${rp}['id'] must be unique.`);
          ids.add(id);
          rows++;
        });
      });
      if (rows > 10)
        throw invalid("Param interactive['action']['sections'] must have at most 10 rows in total.");
      return i;
    }
    case 'cta_url': {
      str(body!, 'text', "interactive['body']", { required: true, max: 1024 });
      if (header) validateHeader(header, ['text', 'image', 'video', 'document']);
      if (action!.name !== 'cta_url')
        throw invalid("Param interactive['action']['name'] must be \"cta_url\".");
      const params = obj(action!, 'parameters', "interactive['action']");
      str(params!, 'display_text', "interactive['action']['parameters']", { required: true, max: 20 });
      const url = str(params!, 'url', "interactive['action']['parameters']", { required: true })!;
      if (!/^https?:\/\//i.test(url))
        throw invalid("Param interactive['action']['parameters']['url'] must be a URL.");
      return i;
    }
    case 'flow':
    case 'location_request_message':
    case 'catalog_message':
    case 'product':
    case 'product_list':
    case 'carousel':
      return i;
    default:
      throw invalid(
        `Param interactive['type'] must be one of {button, list, cta_url, flow, location_request_message, catalog_message, product, product_list, carousel}.`,
      );
  }
}

function validateHeader(h: Obj, allowed: string[]): void {
  const type = str(h, 'type', "interactive['header']", { required: true })!;
  if (!allowed.includes(type))
    throw invalid(`Param interactive['header']['type'] must be one of {${allowed.join(', ')}}.`);
  if (type === 'text') str(h, 'text', "interactive['header']", { required: true, max: 60 });
  else validateMedia(type, obj(h, type, "interactive['header']")!);
}
