import { Group, SegmentedControl, Select, Stack, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import type { ConversationStatus, Me } from '../../api/types.ts';
import { useMentions } from './ergonomics.api.ts';
import { type ConversationFilter, useLabels, useTeams } from './inbox.api.ts';
import { NotificationSettingsMenu } from './NotificationControls.tsx';

type ConversationFiltersProps = {
  me: Me;
  filter: ConversationFilter;
  onChange: (filter: ConversationFilter) => void;
};

const views = [
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'team', label: 'Team' },
  { value: 'all', label: 'All' },
];

const statuses = [
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Pending' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'any', label: 'Any status' },
];

/** Who (mine, unassigned, a team, all), which status, which label, and a free-text search. */
export function ConversationFilters({ me, filter, onChange }: ConversationFiltersProps) {
  const teams = useTeams();
  const labels = useLabels();
  const mentions = useMentions();
  const unreadMentions = mentions.data?.unread_count ?? 0;
  const [search, setSearch] = useState(filter.q ?? '');
  const commitSearch = useDebouncedCallback((q: string) => onChange({ ...filter, q }), 250);
  const myTeams = (teams.data ?? []).filter(
    (team) => !me.team_ids || me.team_ids.length === 0 || me.team_ids.includes(team.id),
  );

  const handleView = (value: string) => {
    const view = value as ConversationFilter['view'];
    onChange({ ...filter, view, teamId: view === 'team' ? (filter.teamId ?? myTeams[0]?.id) : undefined });
  };

  return (
    <Stack gap="xs" p="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Group gap={4} wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          type="search"
          placeholder="Search name, number or text"
          aria-label="Search conversations"
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            commitSearch(event.currentTarget.value);
          }}
        />
        <NotificationSettingsMenu />
      </Group>
      <SegmentedControl
        size="xs"
        fullWidth
        data={[
          ...views,
          {
            value: 'mentions',
            label: (
              <span data-testid="mentions-view">
                @<VisuallyHidden>Mentions</VisuallyHidden>
                {unreadMentions > 0 ? ` ${unreadMentions}` : ''}
              </span>
            ),
          },
        ]}
        value={filter.view}
        onChange={handleView}
        aria-label="Whose conversations"
      />
      {filter.view !== 'mentions' && (
        <Group gap="xs" grow>
          {filter.view === 'team' && (
            <Select
              size="xs"
              aria-label="Team"
              placeholder="Team"
              data={myTeams.map((team) => ({ value: team.id, label: team.name }))}
              value={filter.teamId ?? null}
              onChange={(teamId) => onChange({ ...filter, teamId: teamId ?? undefined })}
            />
          )}
          <Select
            size="xs"
            aria-label="Status"
            data={statuses}
            value={filter.status ?? 'open'}
            allowDeselect={false}
            onChange={(status) =>
              onChange({ ...filter, status: (status ?? 'open') as ConversationStatus | 'any' })
            }
          />
          <Select
            size="xs"
            aria-label="Label"
            placeholder="Any label"
            clearable
            data={(labels.data ?? []).map((label) => ({ value: label.id, label: label.name }))}
            value={filter.label ?? null}
            onChange={(label) => onChange({ ...filter, label: label ?? undefined })}
          />
        </Group>
      )}
    </Stack>
  );
}
