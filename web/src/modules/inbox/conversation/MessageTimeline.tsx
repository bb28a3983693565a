import { Box, Button, Center, Divider, Loader, Text } from '@mantine/core';
import { Fragment, type UIEvent, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message, Note } from '../../../api/types.ts';
import { ErrorNotice } from '../../../shared/ErrorNotice.tsx';
import { locale, parseTime } from '../../../shared/format.ts';
import { useNumberTimeZone } from '../../../shared/number-time-zone.ts';
import { useCampaignMarks } from '../../campaigns/campaigns.api.ts';
import { flattenPages, useMessages, useNotes } from '../inbox.api.ts';
import { calendarDay, dayLabel } from './day-label.ts';
import type { MessageActionHandlers } from './MessageActions.tsx';
import { MessageBubble } from './MessageBubble.tsx';
import { NoteBubble } from './NoteBubble.tsx';

type MessageTimelineProps = {
  conversationId: string;
  contactName: string;
  actions: MessageActionHandlers | undefined;
  /** A message to bring into view and mark (the search within the conversation); older pages load until it is there. */
  jumpTo?: string | null;
};

type Item = { kind: 'message'; at: number; message: Message } | { kind: 'note'; at: number; note: Note };

const NEAR_EDGE_PX = 120;

/**
 * The reactions the hub sent (reaction messages of the team), by the wamid they react to: the
 * newest one wins, an empty emoji removes it. Reactions from the phone arrive on the message itself.
 */
function sentReactions(list: readonly Message[]): Map<string, string> {
  const byTarget = new Map<string, { emoji: string; at: number }>();
  for (const m of list) {
    if (m.type !== 'reaction' || m.direction !== 'outbound' || m.status === 'failed') continue;
    const body = m.content as { message_id?: unknown; emoji?: unknown } | null;
    if (typeof body?.message_id !== 'string' || typeof body.emoji !== 'string') continue;
    const at = parseTime(m.timestamp) ?? 0;
    const known = byTarget.get(body.message_id);
    if (!known || known.at <= at) byTarget.set(body.message_id, { emoji: body.emoji, at });
  }
  return new Map([...byTarget].map(([target, r]) => [target, r.emoji]));
}

function withSentReaction(message: Message, sent: Map<string, string>): Message {
  const emoji = (message.wamid && sent.get(message.wamid)) ?? sent.get(message.id);
  if (emoji === undefined) return message;
  const others = message.reactions.filter((r) => r.from !== 'business');
  if (emoji === '') return { ...message, reactions: others };
  return {
    ...message,
    reactions: [...others, { from: 'business', emoji, wamid: null, at: message.timestamp }],
  };
}

/** The date between two messages of different days: old history is not just clock times. */
function DaySeparator({ at, now, timeZone }: { at: number; now: number; timeZone: string | undefined }) {
  const label = dayLabel(at, now, locale(), timeZone);
  return (
    <Divider
      role="separator"
      aria-label={label}
      data-testid="day-separator"
      label={label}
      labelPosition="center"
      mx="md"
      my="xs"
    />
  );
}

/**
 * The conversation's history, oldest at the top. Only the newest page is loaded at first; older
 * pages load when the reader scrolls up, keeping their place. New messages scroll into view
 * when the reader is already at the bottom.
 */
export function MessageTimeline({
  conversationId,
  contactName,
  actions,
  jumpTo = null,
}: MessageTimelineProps) {
  const { t } = useTranslation('inbox');
  const messages = useMessages(conversationId);
  const notes = useNotes(conversationId);
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const previousHeight = useRef(0);

  const list = flattenPages(messages.data);
  // A conversation's days are cut at midnight on its number's business clock.
  const timeZone = useNumberTimeZone(list[0]?.phone_number_id);
  const campaignMarks = useCampaignMarks(conversationId, list.length);
  const byId = useMemo(() => new Map(list.map((m) => [m.id, m])), [list]);
  const byWamid = useMemo(() => new Map(list.filter((m) => m.wamid).map((m) => [m.wamid, m])), [list]);
  const items = useMemo(() => {
    const sent = sentReactions(list);
    const all: Item[] = list
      .filter((message) => message.type !== 'reaction')
      .map((message) => ({
        kind: 'message',
        at: parseTime(message.timestamp) ?? 0,
        message: withSentReaction(message, sent),
      }));
    for (const note of notes.data ?? [])
      all.push({ kind: 'note', at: parseTime(note.created_at) ?? 0, note });
    return all.sort((a, b) => a.at - b.at);
  }, [list, notes.data]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-runs whenever the rendered items change.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    if (stickToBottom.current) el.scrollTop = el.scrollHeight;
    else if (previousHeight.current && el.scrollTop < NEAR_EDGE_PX) {
      // Older messages were prepended: keep the message the reader was looking at in place.
      el.scrollTop += el.scrollHeight - previousHeight.current;
    }
    previousHeight.current = el.scrollHeight;
  }, [items]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = messages;

  // The search's hit: load older pages until it is there, then scroll to it.
  useEffect(() => {
    if (!jumpTo) return;
    if (!byId.has(jumpTo)) {
      if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
      return;
    }
    stickToBottom.current = false;
    const el = scrollRef.current?.querySelector(`[data-message-id="${CSS.escape(jumpTo)}"]`);
    el?.scrollIntoView({ block: 'center' });
  }, [jumpTo, byId, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const handleLoadOlder = () => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  };
  const handleScroll = (event: UIEvent<HTMLDivElement>) => {
    const el = event.currentTarget;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_EDGE_PX;
    previousHeight.current = el.scrollHeight;
    if (el.scrollTop < NEAR_EDGE_PX) handleLoadOlder();
  };

  if (messages.isPending) {
    return (
      <Center style={{ flex: 1 }}>
        <Loader size="sm" aria-label={t('timeline.loading')} />
      </Center>
    );
  }
  if (messages.error) {
    return (
      <Box p="md" style={{ flex: 1 }}>
        <ErrorNotice error={messages.error} onRetry={() => messages.refetch()} />
      </Box>
    );
  }

  const now = Date.now();
  const renderItem = (item: Item) =>
    item.kind === 'message' ? (
      <MessageBubble
        message={item.message}
        contactName={contactName}
        actions={actions}
        highlighted={item.message.id === jumpTo}
        campaign={campaignMarks.get(item.message.id)}
        quoted={
          item.message.context
            ? ((item.message.context.message_id ? byId.get(item.message.context.message_id) : undefined) ??
              byWamid.get(item.message.context.wamid))
            : undefined
        }
      />
    ) : (
      <NoteBubble note={item.note} timeZone={timeZone} />
    );

  return (
    <Box
      ref={scrollRef}
      onScroll={handleScroll}
      role="log"
      aria-label={t('timeline.label')}
      aria-live="polite"
      data-testid="message-timeline"
      style={{ flex: 1, overflowY: 'auto', minHeight: 0, paddingBlock: 8 }}
    >
      {hasNextPage && (
        <Center>
          <Button size="compact-xs" variant="subtle" loading={isFetchingNextPage} onClick={handleLoadOlder}>
            {t('timeline.older')}
          </Button>
        </Center>
      )}
      {items.length === 0 && (
        <Center p="lg">
          <Text c="dimmed" size="sm">
            {t('timeline.empty')}
          </Text>
        </Center>
      )}
      {items.map((item, index) => {
        const previous = items[index - 1];
        const newDay = !previous || calendarDay(previous.at, timeZone) !== calendarDay(item.at, timeZone);
        return (
          <Fragment key={item.kind === 'message' ? item.message.id : `note-${item.note.id}`}>
            {newDay && <DaySeparator at={item.at} now={now} timeZone={timeZone} />}
            {renderItem(item)}
          </Fragment>
        );
      })}
    </Box>
  );
}
