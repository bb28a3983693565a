import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventCatalogue, eventTypes } from '../../../../src/platform/events/catalogue.ts';
import { pickableEventTypes } from './integrations.api.ts';

type Catalogue = { [key: string]: string | Catalogue };

const LANGUAGES = ['en', 'es', 'pt-BR'] as const;
const catalogue = (language: string): Catalogue =>
  JSON.parse(
    readFileSync(new URL(`../../i18n/locales/${language}/integrations.json`, import.meta.url), 'utf8'),
  );

/** The text at a dotted key (`eventTypes.message.received`), or undefined. */
function lookup(root: Catalogue, key: string): string | undefined {
  let node: string | Catalogue | undefined = root;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

/** A `t` over one language's integrations catalogue that says which keys it could not find. */
const translator = (language: string) => {
  const root = catalogue(language);
  return (key: string) => lookup(root, key) ?? `MISSING ${key}`;
};

describe('the webhook event-type picker in each language', () => {
  it.each(LANGUAGES)(
    '%s describes every event type of the server catalogue, and names every group',
    (language) => {
      const root = catalogue(language);
      const missing = eventTypes.filter((type) => !lookup(root, `eventTypes.${type}`)?.trim());
      const groups = [...new Set(eventTypes.map((type) => type.split('.')[0]))];
      const missingGroups = groups.filter((prefix) => !lookup(root, `eventGroups.${prefix}`)?.trim());
      expect({ missing, missingGroups }).toEqual({ missing: [], missingGroups: [] });
    },
  );

  it('says in English what the server catalogue says, without its code backticks', () => {
    const root = catalogue('en');
    for (const type of eventTypes) {
      expect(lookup(root, `eventTypes.${type}`), type).toBe(
        eventCatalogue[type].description.replace(/`/g, ''),
      );
    }
  });

  it('keeps the technical names as values and labels and shows descriptions and groups from t', () => {
    const groups = pickableEventTypes(translator('es'));
    const items = groups.flatMap((g) => g.items);
    expect(items.map((i) => i.value)).toEqual(eventTypes);
    expect(items.every((i) => i.label === i.value)).toBe(true);
    expect(JSON.stringify(groups)).not.toContain('MISSING');
    expect(groups[0]).toMatchObject({ group: 'Mensaje' });
    expect(items[0]).toEqual({
      value: 'message.received',
      label: 'message.received',
      description: 'Un cliente envió un mensaje (en vivo).',
    });
  });
});
