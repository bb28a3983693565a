import { ActionIcon, Button, Card, Group, MultiSelect, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Team, User } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useTeams } from '../inbox/inbox.api.ts';
import { useCreateTeam, useDeleteTeam, useTeamMember, useUsers } from './settings.api.ts';

function TeamCard({ team, users }: { team: Team; users: User[] }) {
  const { t } = useTranslation('settings');
  const member = useTeamMember();
  const remove = useDeleteTeam();
  const toasts = useToasts();

  const handleMembers = (ids: string[]) => {
    const added = ids.filter((id) => !team.member_ids.includes(id));
    const removed = team.member_ids.filter((id) => !ids.includes(id));
    for (const userId of added)
      member.mutate({ teamId: team.id, userId, member: true }, { onError: toasts.showError });
    for (const userId of removed)
      member.mutate({ teamId: team.id, userId, member: false }, { onError: toasts.showError });
  };

  return (
    <Card withBorder padding="sm">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{team.name}</Text>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={t('teams.delete', { name: team.name })}
          onClick={() => remove.mutate(team.id, { onError: toasts.showError })}
        >
          ✕
        </ActionIcon>
      </Group>
      <MultiSelect
        aria-label={t('teams.members', { name: team.name })}
        placeholder={t('teams.addMembers')}
        data={users
          .filter((u) => !u.disabled && u.role !== 'auditor')
          .map((u) => ({ value: u.id, label: u.name }))}
        value={team.member_ids}
        onChange={handleMembers}
        searchable
      />
    </Card>
  );
}

/** Teams and their members; conversations can be transferred to a team. */
export function TeamsSettings() {
  const { t } = useTranslation('settings');
  const teams = useTeams();
  const users = useUsers();
  const create = useCreateTeam();
  const [name, setName] = useState('');

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name }, { onSuccess: () => setName('') });
  };

  return (
    <Stack>
      <form onSubmit={handleSubmit} aria-label={t('teams.add')}>
        <Group align="flex-end" gap="xs">
          <TextInput
            label={t('teams.new')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Button type="submit" loading={create.isPending}>
            {t('teams.addButton')}
          </Button>
        </Group>
      </form>
      {(create.error || teams.error) && <ErrorNotice error={create.error ?? teams.error} />}
      {(teams.data ?? []).map((team) => (
        <TeamCard key={team.id} team={team} users={users.data ?? []} />
      ))}
    </Stack>
  );
}
