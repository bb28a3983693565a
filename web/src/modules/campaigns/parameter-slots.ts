import type { Template } from '../templates/templates.api.ts';

/*
 * What a campaign must fill in a template, read from its Meta components: each header and body
 * variable (numbered or named), a media header's file, each URL variable and copy code by the
 * button's index; and the `parameters` object `POST /api/campaigns` takes, built from the form.
 */

export type Slot =
  | { key: string; kind: 'header' | 'body'; name: string }
  | { key: string; kind: 'media'; mediaType: 'image' | 'video' | 'document' }
  | { key: string; kind: 'button'; index: string; button: 'url' | 'copy_code'; label: string };

export type SlotValue = { attribute: string; fallback: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const variablesOf = (text: unknown) =>
  typeof text === 'string' ? [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))] : [];

export function slotsOf(template: Pick<Template, 'components'>): Slot[] {
  const by = (type: string) => template.components.find((c) => c.type.toUpperCase() === type);
  const slots: Slot[] = [];
  const header = by('HEADER');
  const format = header ? String(header.format ?? 'TEXT').toUpperCase() : null;
  if (format === 'TEXT') {
    for (const name of variablesOf(header?.text)) slots.push({ key: `header:${name}`, kind: 'header', name });
  } else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
    slots.push({ key: 'media', kind: 'media', mediaType: format.toLowerCase() as 'image' });
  }
  for (const name of variablesOf(by('BODY')?.text)) slots.push({ key: `body:${name}`, kind: 'body', name });
  const buttons = (by('BUTTONS')?.buttons ?? []) as { type: string; text?: string; url?: string }[];
  buttons.forEach((b, i) => {
    const type = String(b.type).toUpperCase();
    if (type === 'URL' && variablesOf(b.url).length > 0)
      slots.push({
        key: `button:${i}`,
        kind: 'button',
        index: String(i),
        button: 'url',
        label: b.text ?? '',
      });
    if (type === 'COPY_CODE')
      slots.push({ key: `button:${i}`, kind: 'button', index: String(i), button: 'copy_code', label: '' });
  });
  return slots;
}

/** A first guess for each slot: a variable named like a contact attribute reads it. */
export function defaultValues(slots: Slot[]): Record<string, SlotValue> {
  const out: Record<string, SlotValue> = {};
  slots.forEach((s, i) => {
    if (s.kind === 'header' || s.kind === 'body') {
      const named = !/^\d+$/.test(s.name);
      const first = i === slots.findIndex((x) => x.kind === 'body');
      out[s.key] = named
        ? { attribute: s.name, fallback: '' }
        : first
          ? { attribute: 'first_name', fallback: 'friend' }
          : { attribute: '', fallback: '' };
    } else out[s.key] = { attribute: '', fallback: '' };
  });
  return out;
}

type Mapping = { attribute?: string; value?: string; fallback?: string };

function mapping(v: SlotValue | undefined): Mapping {
  const attribute = v?.attribute.trim() ?? '';
  const fallback = v?.fallback.trim() ?? '';
  if (attribute) return { attribute, ...(fallback ? { fallback } : {}) };
  return fallback ? { value: fallback } : {};
}

/** The `parameters` of `POST /api/campaigns` (the server names whatever is still missing). */
export function parametersOf(slots: Slot[], values: Record<string, SlotValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const text = (kind: 'header' | 'body') => {
    const list = slots.filter((s): s is Extract<Slot, { kind: 'header' | 'body' }> => s.kind === kind);
    if (list.length === 0) return;
    const numbered = list.every((s) => /^\d+$/.test(s.name));
    out[kind] = numbered
      ? list.map((s) => mapping(values[s.key]))
      : Object.fromEntries(list.map((s) => [s.name, mapping(values[s.key])]));
  };
  text('header');
  text('body');
  const media = slots.find((s) => s.kind === 'media');
  if (media && media.kind === 'media') {
    const v = values[media.key];
    const link = v?.fallback.trim() ?? '';
    const attribute = v?.attribute.trim() ?? '';
    out.header = { type: media.mediaType, ...(link ? { link } : {}), ...(attribute ? { attribute } : {}) };
  }
  const buttons = slots.filter((s) => s.kind === 'button');
  if (buttons.length > 0)
    out.buttons = Object.fromEntries(
      buttons.map((s) => [(s as Extract<Slot, { kind: 'button' }>).index, mapping(values[s.key])]),
    );
  return out;
}
