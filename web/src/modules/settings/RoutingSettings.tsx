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
            label="Policy name"
            value={draft.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <Select
            label="Number"
            data={[
              { value: ANY, label: 'Every number' },
              ...(numbers.data ?? []).map((n) => ({ value: n.id, label: n.display_phone_number })),
            ]}
            value={draft.phone_number_id ?? ANY}
            onChange={(v) => set({ phone_number_id: !v || v === ANY ? null : v })}
            w={200}
          />
          <Select
            label="Team"
            data={[
              { value: ANY, label: 'Every team' },
              ...(teams.data ?? []).map((t) => ({ value: t.id, label: t.name })),
            ]}
            value={draft.team_id ?? ANY}
            onChange={(v) => set({ team_id: !v || v === ANY ? null : v })}
            w={180}
          />
        </Group>
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Strategy
          </Text>
          <SegmentedControl
            aria-label="Strategy"
            w="fit-content"
            data={[
              { value: 'round_robin', label: 'Round-robin' },
              { value: 'balanced', label: 'Balanced by load' },
            ]}
            value={draft.strategy}
            onChange={(v) => set({ strategy: v as RoutingPolicyInput['strategy'] })}
          />
        </Stack>
        <Group gap="lg">
          <Checkbox
            label="Match skills"
            checked={draft.match_skills}
            onChange={(e) => set({ match_skills: e.currentTarget.checked })}
          />
          <Checkbox
            label="Match language"
            checked={draft.match_language}
            onChange={(e) => set({ match_language: e.currentTarget.checked })}
          />
          <Checkbox
            label="Only available agents (online, within working hours)"
            checked={draft.require_available}
            onChange={(e) => set({ require_available: e.currentTarget.checked })}
          />
        </Group>
        <NumberInput
          label="Default capacity (open conversations per agent)"
          min={1}
          max={1000}
          value={draft.default_capacity}
          onChange={(v) => set({ default_capacity: Number(v) || 0 })}
          w={320}
        />
        {save.error && <ErrorDetails error={save.error} title="The policy was not saved" />}
        <Group gap="xs">
          <Button
            loading={save.isPending}
            onClick={() => save.mutate({ id: policy?.id, body }, { onSuccess: onDone })}
          >
            {policy ? 'Save policy' : 'Create policy'}
          </Button>
          <Button variant="subtle" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function AgentProfile({ userId, saved }: { userId: string; saved: ApiAgentRouting }) {
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
        {saved.open_conversations} open conversation(s) assigned now.
      </Text>
      <Group gap="xs" align="flex-end">
        <TagsInput
          label="Skills"
          value={draft.skills}
          onChange={(skills) => setDraft({ ...draft, skills })}
          w={260}
        />
        <TagsInput
          label="Languages"
          placeholder="en, es, pt-BR"
          value={draft.languages}
          onChange={(languages) => setDraft({ ...draft, languages })}
          w={220}
        />
        <NumberInput
          label="Capacity"
          placeholder="policy default"
          min={1}
          value={draft.capacity ?? ''}
          onChange={(v) => setDraft({ ...draft, capacity: v === '' ? null : Number(v) })}
          w={140}
        />
      </Group>
      <Checkbox
        label="Has working hours (otherwise always working)"
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
            label="Agent's time zone"
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
      {save.error && <ErrorDetails error={save.error} title="The profile was not saved" />}
      <Button
        w="fit-content"
        loading={save.isPending}
        onClick={() => save.mutate(draft, { onSuccess: () => toasts.showSuccess('Routing profile saved') })}
      >
        Save profile
      </Button>
    </Stack>
  );
}

function AgentProfiles() {
  const agents = useAgents();
  const [userId, setUserId] = useState<string | null>(null);
  const profile = useAgentRouting(userId);
  return (
    <Stack gap="sm">
      <Select
        label="Agent"
        placeholder="Pick an agent"
        searchable
        data={(agents.data ?? [])
          .filter((a) => a.role !== 'auditor')
          .map((a) => ({ value: a.id, label: a.name }))}
        value={userId}
        onChange={setUserId}
        w={320}
      />
      {userId && profile.isPending && <Loader aria-label="Loading profile" />}
      {profile.error && <ErrorNotice error={profile.error} />}
      {userId && profile.data && <AgentProfile key={userId} userId={userId} saved={profile.data} />}
    </Stack>
  );
}

/** Routing policies (round-robin or balanced, skills, language, availability, capacity) and agents' routing profiles. */
export function RoutingSettings() {
  const policies = useRoutingPolicies();
  const remove = useDeleteRoutingPolicy();
  const numbers = useNumbers();
  const teams = useTeams();
  const toasts = useToasts();
  const [editing, setEditing] = useState<ApiRoutingPolicy | 'new' | null>(null);
  const numberName = (id: string | null) =>
    id === null ? 'every number' : (numbers.data?.find((n) => n.id === id)?.display_phone_number ?? id);
  const teamName = (id: string | null) =>
    id === null ? 'every team' : (teams.data?.find((t) => t.id === id)?.name ?? id);
  if (policies.error) return <ErrorNotice error={policies.error} onRetry={() => policies.refetch()} />;
  return (
    <Stack gap="lg">
      <Stack gap="sm">
        <Title order={5}>Routing policies</Title>
        <Text size="sm" c="dimmed">
          A policy picks the agent for a conversation that a rule or a flow hands to humans. When nobody is
          eligible the conversation waits in the queue until an agent frees capacity or comes online.
        </Text>
        {policies.isPending ? (
          <Loader aria-label="Loading policies" />
        ) : policies.data.length === 0 ? (
          <Text c="dimmed">No policies yet: conversations go to the least loaded agent.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Policy</Table.Th>
                <Table.Th>Applies to</Table.Th>
                <Table.Th>Strategy</Table.Th>
                <Table.Th>Filters</Table.Th>
                <Table.Th>Capacity</Table.Th>
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
                      {p.strategy === 'round_robin' ? 'round-robin' : 'balanced'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {p.match_skills && (
                        <Badge size="xs" variant="outline" tt="none">
                          skills
                        </Badge>
                      )}
                      {p.match_language && (
                        <Badge size="xs" variant="outline" tt="none">
                          language
                        </Badge>
                      )}
                      {p.require_available && (
                        <Badge size="xs" variant="outline" tt="none">
                          available
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{p.default_capacity}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="light" onClick={() => setEditing(p)}>
                        Edit
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${p.name}`}
                        onClick={() => remove.mutate(p.id, { onError: toasts.showError })}
                      >
                        Delete
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
            New policy
          </Button>
        )}
      </Stack>
      <Stack gap="sm">
        <Title order={5}>Agents' routing profiles</Title>
        <AgentProfiles />
      </Stack>
    </Stack>
  );
}
