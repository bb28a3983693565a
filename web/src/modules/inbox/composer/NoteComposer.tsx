import { Button, Group, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useToasts } from '../../../shared/toasts.tsx';
import { loadDraft, saveDraft } from '../drafts.ts';
import { useAddNote } from '../inbox.api.ts';

type NoteComposerProps = { conversationId: string };

/** An internal note for the team; it is stored with the conversation and never sent. */
export function NoteComposer({ conversationId }: NoteComposerProps) {
  const [text, setTextState] = useState(() => loadDraft(conversationId, 'note'));
  const setText = (value: string) => {
    saveDraft(conversationId, 'note', value);
    setTextState(value);
  };
  const addNote = useAddNote(conversationId);
  const toasts = useToasts();

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    const body = text.trim();
    if (!body) return;
    addNote.mutate(body, { onSuccess: () => setText(''), onError: toasts.showError });
  };

  return (
    <form onSubmit={handleSubmit} aria-label="Internal note">
      <Textarea
        aria-label="Note"
        data-testid="note-input"
        placeholder="Only your team sees this"
        autosize
        minRows={2}
        maxRows={6}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        styles={{ input: { background: 'var(--mantine-color-yellow-light)' } }}
      />
      <Group justify="space-between" mt="xs">
        <Text size="xs" c="dimmed">
          🔒 Never sent to the customer
        </Text>
        <Button type="submit" color="yellow" loading={addNote.isPending} disabled={!text.trim()}>
          Add note
        </Button>
      </Group>
    </form>
  );
}
