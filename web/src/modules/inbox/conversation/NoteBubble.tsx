import { Group, Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Note } from '../../../api/types.ts';
import { formatDateTime } from '../../../shared/format.ts';

type NoteBubbleProps = {
  note: Note;
  /** The conversation's number's business time zone. */
  timeZone?: string | undefined;
};

/** An internal note: visible to the team only, never sent to the customer. */
export function NoteBubble({ note, timeZone }: NoteBubbleProps) {
  const { t } = useTranslation('inbox');
  return (
    <Group justify="center" px="md" py={4}>
      <Paper
        p="xs"
        radius="sm"
        maw="min(85%, 600px)"
        data-testid="note"
        style={{
          background: 'var(--mantine-color-yellow-light)',
          border: '1px dashed var(--mantine-color-yellow-filled)',
        }}
      >
        <Text size="xs" fw={600}>
          🔒{' '}
          {t('note.byline', {
            author: note.author?.name ?? t('note.team'),
            at: formatDateTime(note.created_at, { timeZone }),
          })}
        </Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {note.body}
        </Text>
      </Paper>
    </Group>
  );
}
