import { Badge, Box, Button, CloseButton, Group, Text, Textarea } from '@mantine/core';
import {
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation, Message } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { messagePreview } from '../conversation/message-content.ts';
import { loadDraft, saveDraft } from '../drafts.ts';
import { mediaTypeOf, uploadMedia } from '../ergonomics.api.ts';
import { type OutgoingMessage, useCannedReplies, useSendMessage } from '../inbox.api.ts';
import { CannedReplyMenu } from './CannedReplyMenu.tsx';
import { handleSuggestionKey, type Suggestion, SuggestionList } from './SuggestionList.tsx';
import { replaceToken, triggerToken } from './suggestions.ts';

type ReplyComposerProps = { conversation: Conversation; replyTo: Message | null; onClearReply: () => void };

/** A file's message: its media id, with the caption where WhatsApp takes one. */
function mediaMessage(file: File, mediaId: string, caption: string | undefined): OutgoingMessage {
  const type = mediaTypeOf(file);
  const withCaption = caption ? { caption } : {};
  if (type === 'audio') return { type, audio: { media_id: mediaId } };
  if (type === 'document')
    return { type, document: { media_id: mediaId, filename: file.name || 'file', ...withCaption } };
  if (type === 'video') return { type, video: { media_id: mediaId, ...withCaption } };
  return { type, image: { media_id: mediaId, ...withCaption } };
}

/**
 * A free-form reply. Enter sends, Shift+Enter adds a line; `/` offers the canned replies (↑/↓,
 * Enter or Tab); files dropped on it or pasted into it go with the reply (the text as the caption).
 */
export function ReplyComposer({ conversation, replyTo, onClearReply }: ReplyComposerProps) {
  const { t } = useTranslation('inbox');
  const [text, setTextState] = useState(() => loadDraft(conversation.id, 'reply'));
  const setText = (next: string | ((current: string) => string)) =>
    setTextState((current) => {
      const value = typeof next === 'function' ? next(current) : next;
      saveDraft(conversation.id, 'reply', value);
      return value;
    });
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [uploading, setUploading] = useState(false);
  const send = useSendMessage(conversation);
  const canned = useCannedReplies();
  const toasts = useToasts();
  const inputRef = useRef<HTMLTextAreaElement>(null);

  const token = triggerToken(text, caret, '/');
  const open = token !== null && closedAt !== token.start;
  const items: Suggestion[] = open
    ? (canned.data ?? [])
        .filter((r) => r.shortcut.toLowerCase().startsWith(token.query.toLowerCase()))
        .slice(0, 8)
        .map((r) => ({ id: r.id, label: `/${r.shortcut}`, detail: r.text }))
    : [];

  const insertAt = (start: number, end: number, insert: string) => {
    const next = replaceToken(text, { start, caret: end, insert });
    setText(next.text);
    setActive(0);
    requestAnimationFrame(() => {
      inputRef.current?.focus();
      inputRef.current?.setSelectionRange(next.caret, next.caret);
      setCaret(next.caret);
    });
  };
  const pick = (item: Suggestion) => {
    const reply = (canned.data ?? []).find((r) => r.id === item.id);
    if (token && reply) insertAt(token.start, caret, reply.text);
  };

  const sendOne = (message: OutgoingMessage, quote: string | undefined) =>
    send.mutateAsync({ message, replyTo: quote, idempotencyKey: crypto.randomUUID() });

  const handleSubmit = async (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if ((!body && files.length === 0) || send.isPending || uploading) return;
    try {
      if (files.length > 0) {
        setUploading(true);
        let captionLeft: string | undefined = body || undefined;
        for (const file of files) {
          const uploaded = await uploadMedia(conversation.phone_number_id, file);
          const takesCaption = mediaTypeOf(file) !== 'audio';
          await sendOne(mediaMessage(file, uploaded.id, takesCaption ? captionLeft : undefined), replyTo?.id);
          if (takesCaption) captionLeft = undefined;
        }
        if (captionLeft) await sendOne({ type: 'text', text: { body: captionLeft } }, replyTo?.id);
      } else {
        await sendOne({ type: 'text', text: { body } }, replyTo?.id);
      }
      setText('');
      setFiles([]);
      onClearReply();
    } catch (error) {
      toasts.showError(error);
    } finally {
      setUploading(false);
    }
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
    if (used) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void handleSubmit();
    }
  };

  const addFiles = (list: FileList | null | undefined) => {
    const added = [...(list ?? [])];
    if (added.length > 0) setFiles((current) => [...current, ...added].slice(0, 10));
    return added.length > 0;
  };
  const handlePaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (addFiles(event.clipboardData?.files)) event.preventDefault();
  };
  const handleDrop = (event: DragEvent<HTMLFormElement>) => {
    setDragging(false);
    if (event.dataTransfer?.files?.length) {
      event.preventDefault();
      addFiles(event.dataTransfer.files);
      inputRef.current?.focus();
    }
  };

  const handleCanned = (body: string) => {
    setText((current) => (current ? `${current} ${body}` : body));
    inputRef.current?.focus();
  };

  return (
    <form
      onSubmit={handleSubmit}
      aria-label={t('composer.reply')}
      onDragOver={(event) => {
        if (event.dataTransfer?.types.includes('Files')) {
          event.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={handleDrop}
      data-testid="reply-form"
      style={{ outline: dragging ? '2px dashed var(--mantine-primary-color-filled)' : undefined }}
    >
      {replyTo && (
        <Group justify="space-between" wrap="nowrap" mb={6} data-testid="replying-to">
          <Text size="xs" c="dimmed" truncate>
            {t('composer.replyingTo', { preview: messagePreview(replyTo.type, replyTo.content) })}
          </Text>
          <CloseButton size="sm" aria-label={t('composer.cancelReply')} onClick={onClearReply} />
        </Group>
      )}
      {files.length > 0 && (
        <Group gap={6} mb={6} data-testid="attachments" aria-label={t('attachments.label')}>
          {files.map((file, index) => (
            <Badge
              key={`${file.name}:${file.size}:${file.lastModified}`}
              variant="light"
              tt="none"
              rightSection={
                <CloseButton
                  size="xs"
                  aria-label={t('attachments.remove', { name: file.name || t('attachments.pasted') })}
                  onClick={() => setFiles((all) => all.filter((_, i) => i !== index))}
                />
              }
            >
              📎 {file.name || t('attachments.pasted')}
            </Badge>
          ))}
        </Group>
      )}
      <Box>
        <SuggestionList
          id="canned-suggestions"
          label={t('canned.list')}
          items={items}
          active={Math.min(active, Math.max(items.length - 1, 0))}
          onPick={pick}
        />
      </Box>
      <Textarea
        ref={inputRef}
        aria-label={t('composer.message')}
        placeholder={dragging ? t('attachments.drop') : t('reply.placeholder')}
        autosize
        minRows={2}
        maxRows={8}
        value={text}
        aria-controls={items.length ? 'canned-suggestions' : undefined}
        aria-activedescendant={items.length ? `canned-suggestions-${active}` : undefined}
        onChange={(event) => {
          setText(event.currentTarget.value);
          setCaret(event.currentTarget.selectionStart);
          setActive(0);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={handleKeyDown}
        onPaste={handlePaste}
        data-testid="reply-input"
      />
      <Group justify="space-between" mt="xs">
        <CannedReplyMenu onPick={handleCanned} />
        <Button
          type="submit"
          loading={send.isPending || uploading}
          disabled={!text.trim() && files.length === 0}
        >
          {t('reply.send')}
        </Button>
      </Group>
    </form>
  );
}
