import {
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { ErrorDetails } from '../automation/ErrorDetails.tsx';
import { useAgents, useNumbers, useTeams } from '../inbox/inbox.api.ts';
import {
  type ApiAgentRouting,
  type ApiRoutingPolicy,
  type RoutingPolicyInput,
  useAgentRouting,
  useDeleteRoutingPolicy,
  useRoutingPolicies,
  useSaveAgentRouting,
  useSaveRoutingPolicy,
} from './routing.api.ts';
import { timeZones, WeeklyHoursEditor } from './WeeklyHoursEditor.tsx';

const ANY = '*';
const NEW_POLICY: RoutingPolicyInput = {
  name: '',
  phone_number_id: null,
  team_id: null,
  strategy: 'balanced',
  match_skills: true,
  match_language: true,
  require_available: true,
  default_capacity: 10,
};

function PolicyForm({ policy, onDone }: { policy: ApiRoutingPolicy | null; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const numbers = useNumbers();
  const teams = useTeams();
  const save = useSaveRoutingPolicy();
  const [draft, setDraft] = useState<RoutingPolicyInput>(policy ?? NEW_POLICY);
  const set = (patch: Partial<RoutingPolicyInput>) => setDraft((d) => ({ ...d, ...patch }));
  const body: RoutingPolicyInput = {
    name: draft.name,
    phone_number_id: draft.phone_number_id,
    team_id: draft.team_id,
    strategy: draft.strategy,
    match_skills: draft.match_skills,
    match_language: draft.match_language,
    require_available: draft.require_available,
    default_capacity: draft.default_capacity,
  };
  return (
    <Paper withBorder p="md" data-testid="policy-form">
      <Stack gap="sm">
        <Group gap="xs" align="flex-end">
          <TextInput
            label={t('routing.policyName')}
            value={draft.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <Select
            label={t('routing.number')}
            data={[
              { value: ANY, label: t('routing.everyNumber') },
              ...(numbers.data ?? []).map((n) => ({ value: n.id, label: n.display_phone_number })),
            ]}
            value={draft.phone_number_id ?? ANY}
            onChange={(v) => set({ phone_number_id: !v || v === ANY ? null : v })}
            w={200}
          />
          <Select
            label={t('routing.team')}
            data={[
              { value: ANY, label: t('routing.everyTeam') },
              ...(teams.data ?? []).map((team) => ({ value: team.id, label: team.name })),
            ]}
            value={draft.team_id ?? ANY}
            onChange={(v) => set({ team_id: !v || v === ANY ? null : v })}
            w={180}
          />
        </Group>
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('routing.strategy')}
          </Text>
          <SegmentedControl
            aria-label={t('routing.strategy')}
            w="fit-content"
            data={[
              { value: 'round_robin', label: t('routing.roundRobin') },
              { value: 'balanced', label: t('routing.balancedByLoad') },
            ]}
            value={draft.strategy}
            onChange={(v) => set({ strategy: v as RoutingPolicyInput['strategy'] })}
          />
        </Stack>
        <Group gap="lg">
          <Checkbox
            label={t('routing.matchSkills')}
            checked={draft.match_skills}
            onChange={(e) => set({ match_skills: e.currentTarget.checked })}
          />
          <Checkbox
            label={t('routing.matchLanguage')}
            checked={draft.match_language}
            onChange={(e) => set({ match_language: e.currentTarget.checked })}
          />
          <Checkbox
            label={t('routing.onlyAvailable')}
            checked={draft.require_available}
            onChange={(e) => set({ require_available: e.currentTarget.checked })}
          />
        </Group>
        <NumberInput
          label={t('routing.defaultCapacity')}
          min={1}
          max={1000}
          value={draft.default_capacity}
          onChange={(v) => set({ default_capacity: Number(v) || 0 })}
          w={320}
        />
        {save.error && <ErrorDetails error={save.error} title={t('routing.policyNotSaved')} />}
        <Group gap="xs">
          <Button
            loading={save.isPending}
            onClick={() => save.mutate({ id: policy?.id, body }, { onSuccess: onDone })}
          >
            {policy ? t('routing.savePolicy') : t('routing.createPolicy')}
          </Button>
          <Button variant="subtle" onClick={onDone}>
            {t('common:actions.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function AgentProfile({ userId, saved }: { userId: string; saved: ApiAgentRouting }) {
  const { t } = useTranslation('settings');
  const save = useSaveAgentRouting(userId);
  const toasts = useToasts();
  const [draft, setDraft] = useState({
    skills: saved.skills,
    languages: saved.languages,
    capacity: saved.capacity,
    time_zone: saved.time_zone,
    working_hours: saved.working_hours,
  });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('routing.openNow', { count: saved.open_conversations })}
      </Text>
      <Group gap="xs" align="flex-end">
        <TagsInput
          label={t('routing.skills')}
          value={draft.skills}
          onChange={(skills) => setDraft({ ...draft, skills })}
          w={260}
        />
        <TagsInput
          label={t('routing.languages')}
          placeholder="en, es, pt-BR"
          value={draft.languages}
          onChange={(languages) => setDraft({ ...draft, languages })}
          w={220}
        />
        <NumberInput
          label={t('routing.capacity')}
          placeholder={t('routing.policyDefault')}
          min={1}
          value={draft.capacity ?? ''}
          onChange={(v) => setDraft({ ...draft, capacity: v === '' ? null : Number(v) })}
          w={140}
        />
      </Group>
      <Checkbox
        label={t('routing.hasHours')}
        checked={draft.working_hours !== null}
        onChange={(e) =>
          setDraft({
            ...draft,
            working_hours: e.currentTarget.checked ? { mon: [['09:00', '17:00']] } : null,
            time_zone: e.currentTarget.checked ? (draft.time_zone ?? 'UTC') : draft.time_zone,
          })
        }
      />
      {draft.working_hours !== null && (
        <>
          <Select
            label={t('routing.timeZone')}
            searchable
            data={timeZones()}
            value={draft.time_zone}
            onChange={(time_zone) => setDraft({ ...draft, time_zone })}
            w={320}
          />
          <WeeklyHoursEditor
            value={draft.working_hours}
            onChange={(working_hours) => setDraft({ ...draft, working_hours })}
          />
        </>
      )}
      {save.error && <ErrorDetails error={save.error} title={t('routing.profileNotSaved')} />}
      <Button
        w="fit-content"
        loading={save.isPending}
        onClick={() => save.mutate(draft, { onSuccess: () => toasts.showSuccess(t('routing.profileSaved')) })}
      >
        {t('routing.saveProfile')}
      </Button>
    </Stack>
  );
}

function AgentProfiles() {
  const { t } = useTranslation('settings');
  const agents = useAgents();
  const [userId, setUserId] = useState<string | null>(null);
  const profile = useAgentRouting(userId);
  return (
    <Stack gap="sm">
      <Select
        label={t('routing.agent')}
        placeholder={t('routing.pickAgent')}
        searchable
        data={(agents.data ?? [])
          .filter((a) => a.role !== 'auditor')
          .map((a) => ({ value: a.id, label: a.name }))}
        value={userId}
        onChange={setUserId}
        w={320}
      />
      {userId && profile.isPending && <Loader aria-label={t('routing.loadingProfile')} />}
      {profile.error && <ErrorNotice error={profile.error} />}
      {userId && profile.data && <AgentProfile key={userId} userId={userId} saved={profile.data} />}
    </Stack>
  );
}

/** Routing policies (round-robin or balanced, skills, language, availability, capacity) and agents' routing profiles. */
export function RoutingSettings() {
  const { t } = useTranslation('settings');
  const policies = useRoutingPolicies();
  const remove = useDeleteRoutingPolicy();
  const numbers = useNumbers();
  const teams = useTeams();
  const toasts = useToasts();
  const [editing, setEditing] = useState<ApiRoutingPolicy | 'new' | null>(null);
  const numberName = (id: string | null) =>
    id === null
      ? t('routing.everyNumberLower')
      : (numbers.data?.find((n) => n.id === id)?.display_phone_number ?? id);
  const teamName = (id: string | null) =>
    id === null ? t('routing.everyTeamLower') : (teams.data?.find((team) => team.id === id)?.name ?? id);
  if (policies.error) return <ErrorNotice error={policies.error} onRetry={() => policies.refetch()} />;
  return (
    <Stack gap="lg">
      <Stack gap="sm">
        <Title order={5}>{t('routing.policies')}</Title>
        <Text size="sm" c="dimmed">
          {t('routing.intro')}
        </Text>
        {policies.isPending ? (
          <Loader aria-label={t('routing.loadingPolicies')} />
        ) : policies.data.length === 0 ? (
          <Text c="dimmed">{t('routing.empty')}</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('routing.policy')}</Table.Th>
                <Table.Th>{t('routing.appliesTo')}</Table.Th>
                <Table.Th>{t('routing.strategy')}</Table.Th>
                <Table.Th>{t('routing.filters')}</Table.Th>
                <Table.Th>{t('routing.capacity')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {policies.data.map((p) => (
                <Table.Tr key={p.id} data-testid="policy-row">
                  <Table.Td>{p.name}</Table.Td>
                  <Table.Td>
                    <Text size="xs">
                      {numberName(p.phone_number_id)}, {teamName(p.team_id)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none">
                      {p.strategy === 'round_robin' ? t('routing.roundRobinLower') : t('routing.balanced')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {p.match_skills && (
                        <Badge size="xs" variant="outline" tt="none">
                          {t('routing.filterSkills')}
                        </Badge>
                      )}
                      {p.match_language && (
                        <Badge size="xs" variant="outline" tt="none">
                          {t('routing.filterLanguage')}
                        </Badge>
                      )}
                      {p.require_available && (
                        <Badge size="xs" variant="outline" tt="none">
                          {t('routing.filterAvailable')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{p.default_capacity}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="light" onClick={() => setEditing(p)}>
                        {t('common:actions.edit')}
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        aria-label={t('routing.delete', { name: p.name })}
                        onClick={() => remove.mutate(p.id, { onError: toasts.showError })}
                      >
                        {t('common:actions.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {editing ? (
          <PolicyForm
            key={editing === 'new' ? 'new' : editing.id}
            policy={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        ) : (
          <Button size="compact-sm" w="fit-content" onClick={() => setEditing('new')}>
            {t('routing.newPolicy')}
          </Button>
        )}
      </Stack>
      <Stack gap="sm">
        <Title order={5}>{t('routing.profiles')}</Title>
        <AgentProfiles />
      </Stack>
    </Stack>
  );
}
