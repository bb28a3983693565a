/** What the agent was typing in each conversation, kept in the browser until sent or cleared. */
type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const key = (conversationId: string, kind: 'reply' | 'note') => `coexist.draft.${kind}.${conversationId}`;

function storage(): DraftStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null; // storage disabled: drafts are simply not kept
  }
}

export function loadDraft(conversationId: string, kind: 'reply' | 'note', store = storage()): string {
  return store?.getItem(key(conversationId, kind)) ?? '';
}

/** Saves the draft; an empty one is removed, so a sent message leaves nothing behind. */
export function saveDraft(
  conversationId: string,
  kind: 'reply' | 'note',
  text: string,
  store = storage(),
): void {
  if (!store) return;
  if (text.trim() === '') store.removeItem(key(conversationId, kind));
  else store.setItem(key(conversationId, kind), text);
}
