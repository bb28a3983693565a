import { describe, expect, it } from 'vitest';
import { loadDraft, saveDraft } from './drafts.ts';
import { neighbour, SHORTCUTS, shortcutFor } from './shortcuts.ts';
import { unreadTitle } from './tab-title.ts';

const press = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('inbox keyboard shortcuts', () => {
  it('map single keys to actions outside text fields only, never with a modifier', () => {
    expect(shortcutFor(press('j'), { tagName: 'DIV' })).toBe('next');
    expect(shortcutFor(press('?'), { tagName: 'BODY' })).toBe('help');
    expect(shortcutFor(press('e'), null)).toBe('resolve');
    expect(shortcutFor(press('j'), { tagName: 'TEXTAREA' })).toBeNull();
    expect(shortcutFor(press('/'), { tagName: 'input' })).toBeNull();
    expect(shortcutFor(press('r'), { tagName: 'DIV', isContentEditable: true })).toBeNull();
    expect(shortcutFor(press('r', { ctrlKey: true }), { tagName: 'DIV' })).toBeNull();
    expect(shortcutFor(press('x'), { tagName: 'DIV' })).toBeNull();
    expect(new Set(SHORTCUTS.map((s) => s.key)).size).toBe(SHORTCUTS.length);
  });

  it('moves to the next and previous conversation and stops at the ends', () => {
    const ids = ['a', 'b', 'c'];
    expect(neighbour(ids, 'a', 1)).toBe('b');
    expect(neighbour(ids, 'b', -1)).toBe('a');
    expect(neighbour(ids, 'c', 1)).toBeNull();
    expect(neighbour(ids, 'a', -1)).toBeNull();
    expect(neighbour(ids, undefined, 1)).toBe('a');
    expect(neighbour([], undefined, 1)).toBeNull();
  });
});

describe('drafts per conversation', () => {
  it('keeps each conversation its own reply and note, and forgets an emptied one', () => {
    const map = new Map<string, string>();
    const store = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
    saveDraft('c1', 'reply', 'Hola Ana, ', store);
    saveDraft('c2', 'reply', 'Olá', store);
    saveDraft('c1', 'note', 'VIP', store);
    expect(loadDraft('c1', 'reply', store)).toBe('Hola Ana, ');
    expect(loadDraft('c2', 'reply', store)).toBe('Olá');
    expect(loadDraft('c1', 'note', store)).toBe('VIP');
    saveDraft('c1', 'reply', '   ', store);
    expect(loadDraft('c1', 'reply', store)).toBe('');
    expect(map.size).toBe(2);
    expect(loadDraft('c3', 'reply', null)).toBe('');
  });
});

describe('unread count in the tab title', () => {
  it('prefixes the count of unread conversations, capped', () => {
    expect(unreadTitle('Coexist', 0)).toBe('Coexist');
    expect(unreadTitle('Coexist', 3)).toBe('(3) Coexist');
    expect(unreadTitle('Coexist', 250)).toBe('(99+) Coexist');
  });
});
