/**
 * The inbox's keyboard shortcuts: one table, read by the key handler and by the help overlay (`?`).
 * They act only when focus is not in a text field, so typing never triggers them.
 */
export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'reply'
  | 'note'
  | 'resolve'
  | 'assign'
  | 'snooze'
  | 'find'
  | 'search'
  | 'help';

/** Each key and its action; the help overlay shows `inbox:shortcuts.<action>`. */
export const SHORTCUTS: readonly { key: string; action: ShortcutAction }[] = [
  { key: 'j', action: 'next' },
  { key: 'k', action: 'previous' },
  { key: 'r', action: 'reply' },
  { key: 'n', action: 'note' },
  { key: 'e', action: 'resolve' },
  { key: 'a', action: 'assign' },
  { key: 'z', action: 'snooze' },
  { key: 'f', action: 'find' },
  { key: '/', action: 'search' },
  { key: '?', action: 'help' },
];

/** Escape in a composer leaves the field, so the shortcuts work again without the mouse. */
export const LEAVE_FIELD_KEY = 'Escape';

/** The action of a key press, or null (modifier keys, or focus in a field where keys are text). */
export function shortcutFor(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
  target: { tagName?: string; isContentEditable?: boolean } | null,
): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const tag = target?.tagName?.toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) return null;
  return SHORTCUTS.find((s) => s.key === event.key)?.action ?? null;
}

/** The conversation `step` rows away from the selected one in the list's order (ids), or null at an end. */
export function neighbour(ids: readonly string[], selected: string | undefined, step: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const at = selected === undefined ? -1 : ids.indexOf(selected);
  if (at === -1) return step === 1 ? (ids[0] ?? null) : null;
  return ids[at + step] ?? null;
}
