import { ActionIcon, Button, Group, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useCannedReplies, useTeams } from '../inbox/inbox.api.ts';
import { useCreateCannedReply, useDeleteCannedReply } from './settings.api.ts';

/** Saved answers agents insert from the composer; global or for one team. */
export function CannedRepliesSettings() {
  const replies = useCannedReplies();
  const teams = useTeams();
  const create = useCreateCannedReply();
  const remove = useDeleteCannedReply();
  const toasts = useToasts();
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const [teamId, setTeamId] = useState<string | null>(null);
  const teamName = new Map((teams.data ?? []).map((t) => [t.id, t.name]));

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { shortcut, text, team_id: teamId },
      {
        onSuccess: () => {
          setShortcut('');
          setText('');
        },
      },
    );
  };

  return (
    <Stack>
      <form onSubmit={handleSubmit} aria-label="Add a canned reply">
        <Stack gap="xs" maw={640}>
          <Group grow>
            <TextInput
              label="Shortcut"
              required
              placeholder="shipping"
              value={shortcut}
              onChange={(e) => setShortcut(e.currentTarget.value)}
            />
            <Select
              label="Team"
              placeholder="Everyone"
              clearable
              data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
              value={teamId}
              onChange={setTeamId}
            />
          </Group>
          <Textarea
            label="Text"
            required
            autosize
            minRows={2}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending}>
              Add canned reply
            </Button>
          </Group>
          {create.error && <ErrorNotice error={create.error} />}
        </Stack>
      </form>
      {replies.error && <ErrorNotice error={replies.error} />}
      <Table.ScrollContainer minWidth={500}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Shortcut</Table.Th>
              <Table.Th>Text</Table.Th>
              <Table.Th>Team</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(replies.data ?? []).map((reply) => (
              <Table.Tr key={reply.id}>
                <Table.Td>/{reply.shortcut}</Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2}>
                    {reply.text}
                  </Text>
                </Table.Td>
                <Table.Td>{reply.team_id ? (teamName.get(reply.team_id) ?? 'a team') : 'Everyone'}</Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Delete /${reply.shortcut}`}
                    onClick={() => remove.mutate(reply.id, { onError: toasts.showError })}
                  >
                    ✕
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
