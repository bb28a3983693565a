import { Group, Paper, Text } from '@mantine/core';
import type { Note } from '../../../api/types.ts';
import { formatDateTime } from '../../../shared/format.ts';

type NoteBubbleProps = { note: Note };

/** An internal note: visible to the team only, never sent to the customer. */
export function NoteBubble({ note }: NoteBubbleProps) {
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
          🔒 Internal note · {note.author?.name ?? 'Team'} · {formatDateTime(note.created_at)}
        </Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {note.body}
        </Text>
      </Paper>
    </Group>
  );
}
