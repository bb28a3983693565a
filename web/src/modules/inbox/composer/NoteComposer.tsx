import { Button, Group, Text, Textarea } from '@mantine/core';
import { type FormEvent, type KeyboardEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useToasts } from '../../../shared/toasts.tsx';
import { loadDraft, saveDraft } from '../drafts.ts';
import { useAddNote, useAgents } from '../inbox.api.ts';
import { handleSuggestionKey, type Suggestion, SuggestionList } from './SuggestionList.tsx';
import { mentionsIn, replaceToken, triggerToken } from './suggestions.ts';

type NoteComposerProps = { conversationId: string; meId: string };

/**
 * An internal note for the team; it is stored with the conversation and never sent. `@` offers the
 * colleagues to mention (each is notified).
 */
export function NoteComposer({ conversationId, meId }: NoteComposerProps) {
  const { t } = useTranslation('inbox');
  const [text, setTextState] = useState(() => loadDraft(conversationId, 'note'));
  const setText = (value: string) => {
    saveDraft(conversationId, 'note', value);
    setTextState(value);
  };
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  const [picked, setPicked] = useState<{ id: string; name: string }[]>([]);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const agents = useAgents();
  const addNote = useAddNote(conversationId);
  const toasts = useToasts();

  const token = triggerToken(text, caret, '@');
  const open = token !== null && closedAt !== token.start;
  const query = token?.query.toLowerCase() ?? '';
  const items: Suggestion[] = open
    ? (agents.data ?? [])
        .filter((a) => a.id !== meId && a.role !== 'auditor')
        .filter(
          (a) =>
            a.name
              .toLowerCase()
              .split(/\s+/)
              .some((part) => part.startsWith(query)) || a.name.toLowerCase().startsWith(query),
        )
        .slice(0, 8)
        .map((a) => ({ id: a.id, label: a.name }))
    : [];

  const pick = (item: Suggestion) => {
    if (!token) return;
    const next = replaceToken(text, { start: token.start, caret, insert: `@${item.label} ` });
    setText(next.text);
    setPicked((all) => [...all.filter((p) => p.id !== item.id), { id: item.id, name: item.label }]);
    setActive(0);
    requestAnimationFrame(() => {
      inputRef.current?.setSelectionRange(next.caret, next.caret);
      setCaret(next.caret);
    });
  };

  const handleSubmit = (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body) return;
    addNote.mutate(
      { body, mentionUserIds: mentionsIn(body, picked) },
      {
        onSuccess: () => {
          setText('');
          setPicked([]);
        },
        onError: toasts.showError,
      },
    );
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const used = handleSuggestionKey(event.key, {
      count: items.length,
      active,
      setActive,
      pick: () => {
        const item = items[active];
        if (item) pick(item);
      },
      close: () => setClosedAt(token?.start ?? null),
    });
    if (used) event.preventDefault();
  };

  return (
    <form onSubmit={handleSubmit} aria-label={t('note.form')}>
      <SuggestionList
        id="mention-suggestions"
        label={t('note.mentionList')}
        items={items}
        active={Math.min(active, Math.max(items.length - 1, 0))}
        onPick={pick}
      />
      <Textarea
        ref={inputRef}
        aria-label={t('composer.noteInput')}
        data-testid="note-input"
        placeholder={t('note.placeholder')}
        autosize
        minRows={2}
        maxRows={6}
        value={text}
        aria-controls={items.length ? 'mention-suggestions' : undefined}
        aria-activedescendant={items.length ? `mention-suggestions-${active}` : undefined}
        onChange={(event) => {
          setText(event.currentTarget.value);
          setCaret(event.currentTarget.selectionStart);
          setActive(0);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={handleKeyDown}
        styles={{ input: { background: 'var(--mantine-color-yellow-light)' } }}
      />
      <Group justify="space-between" mt="xs">
        <Text size="xs" c="dimmed">
          🔒 {t('note.private')}
        </Text>
        <Button type="submit" color="yellow" loading={addNote.isPending} disabled={!text.trim()}>
          {t('note.add')}
        </Button>
      </Group>
    </form>
  );
}
