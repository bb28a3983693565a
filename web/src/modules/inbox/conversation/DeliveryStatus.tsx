import { Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../api/types.ts';
import { formatDateTime } from '../../../shared/format.ts';
import { useNumberTimeZone } from '../../../shared/number-time-zone.ts';

type DeliveryStatusProps = { message: Message };

const marks: Partial<Record<Message['status'], { mark: string; color?: string }>> = {
  queued: { mark: '🕓' },
  sending: { mark: '🕓' },
  unknown: { mark: '?', color: 'yellow' },
  sent: { mark: '✓' },
  delivered: { mark: '✓✓' },
  read: { mark: '✓✓', color: 'blue' },
  played: { mark: '✓✓', color: 'blue' },
  failed: { mark: '✕', color: 'red' },
};

/** WhatsApp-style ticks for an outbound message; the tooltip says what and when. */
export function DeliveryStatus({ message }: DeliveryStatusProps) {
  const { t } = useTranslation('inbox');
  const timeZone = useNumberTimeZone(message.phone_number_id);
  if (message.direction !== 'outbound') return null;
  const found = marks[message.status];
  if (!found) return null;
  const labels: Partial<Record<Message['status'], string>> = {
    queued: t('status.queued'),
    sending: t('status.sending'),
    unknown: t('status.unknown'),
    sent: t('status.sent'),
    delivered: t('status.delivered'),
    read: t('status.read'),
    played: t('status.played'),
    failed: t('status.failed'),
  };
  const mark = { ...found, label: labels[message.status] ?? message.status };
  const at = formatDateTime(message.status_at ?? message.timestamp, { timeZone });
  return (
    <Tooltip label={`${mark.label} · ${at}`}>
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
