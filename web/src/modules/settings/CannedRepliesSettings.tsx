import { ActionIcon, Button, Group, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useCannedReplies, useTeams } from '../inbox/inbox.api.ts';
import { useCreateCannedReply, useDeleteCannedReply } from './settings.api.ts';

/** Saved answers agents insert from the composer; global or for one team. */
export function CannedRepliesSettings() {
  const { t } = useTranslation('settings');
  const replies = useCannedReplies();
  const teams = useTeams();
  const create = useCreateCannedReply();
  const remove = useDeleteCannedReply();
  const toasts = useToasts();
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const [teamId, setTeamId] = useState<string | null>(null);
  const teamName = new Map((teams.data ?? []).map((team) => [team.id, team.name]));

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
      <form onSubmit={handleSubmit} aria-label={t('canned.add')}>
        <Stack gap="xs" maw={640}>
          <Group grow>
            <TextInput
              label={t('canned.shortcut')}
              required
              placeholder={t('canned.shortcutExample')}
              value={shortcut}
              onChange={(e) => setShortcut(e.currentTarget.value)}
            />
            <Select
              label={t('canned.team')}
              placeholder={t('canned.everyone')}
              clearable
              data={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))}
              value={teamId}
              onChange={setTeamId}
            />
          </Group>
          <Textarea
            label={t('canned.text')}
            required
            autosize
            minRows={2}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending}>
              {t('canned.addButton')}
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
              <Table.Th>{t('canned.shortcut')}</Table.Th>
              <Table.Th>{t('canned.text')}</Table.Th>
              <Table.Th>{t('canned.team')}</Table.Th>
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
                <Table.Td>
                  {reply.team_id ? (teamName.get(reply.team_id) ?? t('canned.aTeam')) : t('canned.everyone')}
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('canned.delete', { shortcut: reply.shortcut })}
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
