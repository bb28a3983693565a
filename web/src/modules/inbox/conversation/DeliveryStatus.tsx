import { Text, Tooltip } from '@mantine/core';
import type { Message } from '../../../api/types.ts';
import { formatDateTime } from '../../../shared/format.ts';

type DeliveryStatusProps = { message: Message };

const marks: Partial<Record<Message['status'], { mark: string; label: string; color?: string }>> = {
  queued: { mark: '🕓', label: 'Queued' },
  sending: { mark: '🕓', label: 'Sending' },
  unknown: { mark: '?', label: 'Outcome unknown; the hub is checking', color: 'yellow' },
  sent: { mark: '✓', label: 'Sent' },
  delivered: { mark: '✓✓', label: 'Delivered' },
  read: { mark: '✓✓', label: 'Read', color: 'blue' },
  played: { mark: '✓✓', label: 'Played', color: 'blue' },
  failed: { mark: '✕', label: 'Failed', color: 'red' },
};

/** WhatsApp-style ticks for an outbound message; the tooltip says what and when. */
export function DeliveryStatus({ message }: DeliveryStatusProps) {
  if (message.direction !== 'outbound') return null;
  const mark = marks[message.status];
  if (!mark) return null;
  return (
    <Tooltip label={`${mark.label} · ${formatDateTime(message.status_at ?? message.timestamp)}`}>
      <Text
        component="span"
        size="xs"
        fw={600}
        c={mark.color}
        aria-label={mark.label}
        data-testid="delivery-status"
        data-status={message.status}
      >
        {mark.mark}
      </Text>
    </Tooltip>
  );
}
