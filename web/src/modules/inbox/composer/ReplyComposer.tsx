import { Button, CloseButton, Group, Text, Textarea } from '@mantine/core';
import { type FormEvent, type KeyboardEvent, useRef, useState } from 'react';
import type { Conversation, Message } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { messagePreview } from '../conversation/message-content.ts';
import { loadDraft, saveDraft } from '../drafts.ts';
import { useSendMessage } from '../inbox.api.ts';
import { CannedReplyMenu } from './CannedReplyMenu.tsx';

type ReplyComposerProps = { conversation: Conversation; replyTo: Message | null; onClearReply: () => void };

/** A free-form text reply. Enter sends, Shift+Enter adds a line. */
export function ReplyComposer({ conversation, replyTo, onClearReply }: ReplyComposerProps) {
  const [text, setTextState] = useState(() => loadDraft(conversation.id, 'reply'));
  const setText = (next: string | ((current: string) => string)) =>
    setTextState((current) => {
      const value = typeof next === 'function' ? next(current) : next;
      saveDraft(conversation.id, 'reply', value);
      return value;
    });
  const send = useSendMessage(conversation);
  const toasts = useToasts();
  const inputRef = useRef<HTMLTextAreaElement>(null);

  const handleSubmit = (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body || send.isPending) return;
    send.mutate(
      {
        message: { type: 'text', text: { body } },
        replyTo: replyTo?.id,
        idempotencyKey: crypto.randomUUID(),
      },
      {
        onSuccess: () => {
          setText('');
          onClearReply();
        },
        onError: toasts.showError,
      },
    );
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      handleSubmit();
    }
  };

  const handleCanned = (body: string) => {
    setText((current) => (current ? `${current} ${body}` : body));
    inputRef.current?.focus();
  };

  return (
    <form onSubmit={handleSubmit} aria-label="Reply">
      {replyTo && (
        <Group justify="space-between" wrap="nowrap" mb={6} data-testid="replying-to">
          <Text size="xs" c="dimmed" truncate>
            Replying to: {messagePreview(replyTo.type, replyTo.content)}
          </Text>
          <CloseButton size="sm" aria-label="Cancel the reply" onClick={onClearReply} />
        </Group>
      )}
      <Textarea
        ref={inputRef}
        aria-label="Message"
        placeholder="Write a reply…"
        autosize
        minRows={2}
        maxRows={8}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={handleKeyDown}
        data-testid="reply-input"
      />
      <Group justify="space-between" mt="xs">
        <CannedReplyMenu onPick={handleCanned} />
        <Button type="submit" loading={send.isPending} disabled={!text.trim()}>
          Send
        </Button>
      </Group>
    </form>
  );
}
