import { Badge, Box, Button, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../api/types.ts';
import { formatClock, formatDateTime } from '../../../shared/format.ts';
import { useNumberTimeZone } from '../../../shared/number-time-zone.ts';
import { DeliveryStatus } from './DeliveryStatus.tsx';
import { type MessageActionHandlers, MessageActions } from './MessageActions.tsx';
import { MessageContent } from './MessageContent.tsx';
import { messagePreview } from './message-content.ts';
import { OriginLabel } from './OriginLabel.tsx';

type MessageBubbleProps = {
  message: Message;
  quoted: Message | undefined;
  contactName: string;
  /** Reply, react, forward; absent for those who only read. */
  actions: MessageActionHandlers | undefined;
  /** The hit the search within the conversation is on. */
  highlighted?: boolean;
  /** The campaign that sent this message, or that this customer reply answers. */
  campaign?: { campaign_name: string; kind: 'sent' | 'reply' } | undefined;
};

const tints: Partial<Record<Message['origin'], string>> = {
  business_app: 'var(--mantine-color-orange-light)',
  agent: 'var(--mantine-color-teal-light)',
  bot: 'var(--mantine-color-violet-light)',
  campaign: 'var(--mantine-color-pink-light)',
  api: 'var(--mantine-color-blue-light)',
};

/** The message's time on its number's business clock, the full date and time on hover. */
function MessageTime({ message }: { message: Message }) {
  const timeZone = useNumberTimeZone(message.phone_number_id);
  return (
    <Tooltip label={formatDateTime(message.timestamp, { timeZone })}>
      <Text size="xs" c="dimmed" data-testid="message-time">
        {formatClock(message.timestamp, { timeZone })}
      </Text>
    </Tooltip>
  );
}

function Quote({ message, quoted }: { message: Message; quoted: Message | undefined }) {
  const { t } = useTranslation('inbox');
  if (!message.context) return null;
  if (!message.context.wamid && message.context.forwarded) {
    return (
      <Text size="xs" c="dimmed" fs="italic">
        ↪ {t('bubble.forwarded')}
      </Text>
    );
  }
  return (
    <Box
      px="xs"
      py={2}
      data-testid="quoted-message"
      style={{
        borderLeft: '3px solid var(--mantine-primary-color-filled)',
        background: 'var(--mantine-color-default-hover)',
      }}
    >
      <Text size="xs" c="dimmed" lineClamp={2}>
        {quoted ? messagePreview(quoted.type, quoted.content) : t('bubble.earlierMessage')}
      </Text>
    </Box>
  );
}

function FailureReason({ message }: { message: Message }) {
  const { t } = useTranslation('inbox');
  if (message.status !== 'failed' && !message.error) return null;
  if (!message.error) return null;
  // Meta's own wording (its error title or details) is shown as it came: it has no translation.
  const reason = message.error.message ?? message.error.title ?? t('bubble.unknownError');
  const withCode = message.error.code !== null ? `${reason} (${message.error.code})` : reason;
  return (
    <Text size="xs" c="red" role="note" data-testid="failure-reason">
      {message.direction === 'outbound' ? t('bubble.notDelivered', { reason: withCode }) : withCode}
    </Text>
  );
}

/** One message with its origin, quote, content, edit/delete marks, reactions, time and ticks. */
export function MessageBubble({
  message,
  quoted,
  contactName,
  actions,
  campaign,
  highlighted = false,
}: MessageBubbleProps) {
  const { t } = useTranslation('inbox');
  const timeZone = useNumberTimeZone(message.phone_number_id);
  const outbound = message.direction === 'outbound';
  const deleted = message.deleted_at !== null;
  return (
    <Group justify={outbound ? 'flex-end' : 'flex-start'} px="md" py={4} wrap="nowrap">
      <Paper
        withBorder
        p="xs"
        radius="md"
        maw="min(75%, 560px)"
        data-testid="message"
        data-message-id={message.id}
        data-origin={message.origin}
        data-direction={message.direction}
        data-highlighted={highlighted || undefined}
        style={{
          background: outbound ? tints[message.origin] : undefined,
          outline: highlighted ? '2px solid var(--mantine-color-yellow-filled)' : undefined,
        }}
      >
        <Stack gap={4}>
          <Group gap={6} justify="space-between" wrap="nowrap">
            <OriginLabel message={message} contactName={contactName} />
            {actions && !deleted && (
              <Group gap={0} wrap="nowrap">
                {message.wamid && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    aria-label={t('bubble.replyTo')}
                    onClick={() => actions.onReply(message)}
                  >
                    ↩
                  </Button>
                )}
                <MessageActions message={message} actions={actions} />
              </Group>
            )}
          </Group>
          {campaign && (
            <Badge
              size="xs"
              variant="light"
              color="pink"
              data-testid="campaign-mark"
              title={campaign.kind === 'reply' ? t('bubble.campaignReplyHint') : undefined}
            >
              {campaign.kind === 'reply'
                ? t('bubble.campaignReply', { name: campaign.campaign_name })
                : t('bubble.campaign', { name: campaign.campaign_name })}
            </Badge>
          )}
          <Quote message={message} quoted={quoted} />
          {deleted ? (
            <Tooltip label={t('bubble.deletedAt', { at: formatDateTime(message.deleted_at, { timeZone }) })}>
              <Text size="sm" fs="italic" c="dimmed" data-testid="message-deleted">
                🚫 {t('bubble.deleted')}
              </Text>
            </Tooltip>
          ) : (
            <MessageContent message={message} />
          )}
          <FailureReason message={message} />
          <Group gap={6} justify="flex-end" wrap="nowrap">
            {message.edited_at && !deleted && (
              <Tooltip
                label={
                  message.original_content !== undefined
                    ? t('bubble.original', {
                        text: messagePreview(message.type, message.original_content),
                      })
                    : t('bubble.editedAt', { at: formatDateTime(message.edited_at, { timeZone }) })
                }
              >
                <Text size="xs" c="dimmed" data-testid="message-edited">
                  {t('bubble.edited')}
                </Text>
              </Tooltip>
            )}
            <MessageTime message={message} />
            <DeliveryStatus message={message} />
          </Group>
        </Stack>
        {message.reactions.length > 0 && (
          <Group gap={4} mt={4} data-testid="reactions">
            {message.reactions.map((reaction) => (
              <Badge
                key={reaction.from}
                size="sm"
                variant="default"
                tt="none"
                title={
                  reaction.from === 'customer'
                    ? t('bubble.customerReacted', { name: contactName })
                    : t('bubble.businessReacted')
                }
              >
                {reaction.emoji}
              </Badge>
            ))}
          </Group>
        )}
      </Paper>
    </Group>
  );
}
