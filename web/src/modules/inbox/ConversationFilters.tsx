import { Group, SegmentedControl, Select, Stack, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  { value: 'mine', label: 'filters.mine' },
  { value: 'unassigned', label: 'filters.unassigned' },
  { value: 'team', label: 'filters.team' },
  { value: 'all', label: 'filters.all' },
];

const statuses = [
  { value: 'open', label: 'supervisor:status.open' },
  { value: 'pending', label: 'supervisor:status.pending' },
  { value: 'resolved', label: 'supervisor:status.resolved' },
  { value: 'any', label: 'supervisor:status.any' },
];

/** Who (mine, unassigned, a team, all), which status, which label, and a free-text search. */
export function ConversationFilters({ me, filter, onChange }: ConversationFiltersProps) {
  const { t } = useTranslation('inbox');
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
          placeholder={t('filters.searchPlaceholder')}
          aria-label={t('filters.search')}
          data-testid="inbox-search"
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
          ...views.map((view) => ({ ...view, label: t(view.label) })),
          {
            value: 'mentions',
            label: (
              <span data-testid="mentions-view">
                @<VisuallyHidden>{t('filters.mentions')}</VisuallyHidden>
                {unreadMentions > 0 ? ` ${unreadMentions}` : ''}
              </span>
            ),
          },
        ]}
        value={filter.view}
        onChange={handleView}
        aria-label={t('filters.whose')}
      />
      {filter.view !== 'mentions' && (
        <Group gap="xs" grow>
          {filter.view === 'team' && (
            <Select
              size="xs"
              aria-label={t('filters.team')}
              placeholder={t('filters.team')}
              data={myTeams.map((team) => ({ value: team.id, label: team.name }))}
              value={filter.teamId ?? null}
              onChange={(teamId) => onChange({ ...filter, teamId: teamId ?? undefined })}
            />
          )}
          <Select
            size="xs"
            aria-label={t('supervisor:statusLabel')}
            data={statuses.map((status) => ({ ...status, label: t(status.label) }))}
            value={filter.status ?? 'open'}
            allowDeselect={false}
            onChange={(status) =>
              onChange({ ...filter, status: (status ?? 'open') as ConversationStatus | 'any' })
            }
          />
          <Select
            size="xs"
            aria-label={t('filters.label')}
            placeholder={t('filters.anyLabel')}
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
