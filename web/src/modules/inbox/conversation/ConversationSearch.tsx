import { ActionIcon, Group, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type KeyboardEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseTime } from '../../../shared/format.ts';
import { SearchIcon } from '../icons.tsx';
import { useSearch } from '../search.api.ts';

type ConversationSearchProps = { conversationId: string; onJumpTo: (messageId: string | null) => void };

/**
 * Search within the conversation: the hits newest first, Enter (or ↑) to the next older one,
 * Shift+Enter (or ↓) back to a newer one, Escape to close. The timeline scrolls to each hit.
 */
export function ConversationSearch({ conversationId, onJumpTo }: ConversationSearchProps) {
  const { t } = useTranslation('inbox');
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const search = useSearch(open ? debounced : '', conversationId);
  const hits = useMemo(
    () =>
      [...(search.data?.messages ?? [])].sort(
        (a, b) => (parseTime(b.timestamp) ?? 0) - (parseTime(a.timestamp) ?? 0),
      ),
    [search.data],
  );
  const [index, setIndex] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new set of hits starts from the newest.
  useEffect(() => {
    setIndex(0);
    onJumpTo(hits[0]?.message_id ?? null);
  }, [hits]);

  const go = (step: number) => {
    if (hits.length === 0) return;
    const next = (index + step + hits.length) % hits.length;
    setIndex(next);
    onJumpTo(hits[next]?.message_id ?? null);
  };
  const close = () => {
    setOpen(false);
    setQ('');
    onJumpTo(null);
  };
  const handleKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      go(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  };

  if (!open) {
    return (
      <ActionIcon
        variant="subtle"
        aria-label={t('search.open')}
        onClick={() => setOpen(true)}
        data-testid="conversation-search-open"
      >
        <SearchIcon />
      </ActionIcon>
    );
  }
  return (
    <Group gap={4} wrap="nowrap" data-testid="conversation-search">
      <TextInput
        size="xs"
        w={160}
        autoFocus
        type="search"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={q}
        onChange={(event) => setQ(event.currentTarget.value)}
        onKeyDown={handleKeyDown}
      />
      <Text
        size="xs"
        c="dimmed"
        w={44}
        ta="center"
        data-testid="conversation-search-count"
        aria-live="polite"
      >
        {debounced.trim() ? (hits.length ? `${index + 1}/${hits.length}` : '0/0') : ''}
      </Text>
      <ActionIcon
        size="sm"
        variant="subtle"
        aria-label={t('search.older')}
        onClick={() => go(1)}
        disabled={!hits.length}
      >
        ↑
      </ActionIcon>
      <ActionIcon
        size="sm"
        variant="subtle"
        aria-label={t('search.newer')}
        onClick={() => go(-1)}
        disabled={!hits.length}
      >
        ↓
      </ActionIcon>
      <ActionIcon size="sm" variant="subtle" aria-label={t('search.close')} onClick={close}>
        ✕
      </ActionIcon>
    </Group>
  );
}
