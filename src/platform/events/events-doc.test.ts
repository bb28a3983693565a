import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventCatalogue, eventTypes } from './catalogue.ts';

const doc = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');

describe('docs/events.md', () => {
  it('lists exactly the catalogue, each event with its stream notice and description', () => {
    const rows = [...doc.matchAll(/^\| `([a-z_.]+)` \| `([a-z_.]+)` \| (.+) \|$/gm)].map((m) => ({
      type: m[1],
      notice: m[2],
      description: m[3],
    }));
    expect(rows).toEqual(
      eventTypes.map((type) => ({
        type,
        notice: eventCatalogue[type].notice,
        description: eventCatalogue[type].description,
      })),
    );
  });
});
