import { ActionIcon, Badge, Button, Group, Loader, Stack, Switch, Table, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useAgents, useLabels, useNumbers, useTeams } from '../inbox/inbox.api.ts';
import { useRoutingPolicies } from '../settings/routing.api.ts';
import { useFlows, useRules, useToggleRule } from './automation.api.ts';
import { RuleEditor } from './RuleEditor.tsx';
import { RuleRunsDrawer } from './RuleRunsDrawer.tsx';
import { ACTIONS, type RuleChoices, TRIGGERS } from './rule-parts.tsx';
import { type ApiRule, useDeleteRule, useReorderRules } from './rules.api.ts';

function useChoices(): RuleChoices {
  const numbers = useNumbers();
  const labels = useLabels();
  const teams = useTeams();
  const agents = useAgents();
  const policies = useRoutingPolicies();
  const flows = useFlows();
  return {
    numbers: (numbers.data ?? []).map((n) => ({
      value: n.id,
      label: n.verified_name ? `${n.verified_name} (${n.display_phone_number})` : n.display_phone_number,
    })),
    labels: (labels.data ?? []).map((l) => ({ value: l.id, label: l.name })),
    teams: (teams.data ?? []).map((t) => ({ value: t.id, label: t.name })),
    agents: (agents.data ?? []).map((a) => ({ value: a.id, label: a.name })),
    policies: (policies.data ?? []).map((p) => ({ value: p.id, label: p.name })),
    flows: (flows.data?.data ?? []).map((f) => ({ value: f.id, label: f.name })),
  };
}

const triggerLabel = (rule: ApiRule, t: TFunction<'automation'>) =>
  TRIGGERS.some((x) => x.value === rule.trigger.type)
    ? t(`parts.triggers.${rule.trigger.type}`)
    : rule.trigger.type;
const actionsLabel = (rule: ApiRule, t: TFunction<'automation'>) =>
  rule.actions
    .map((a) => (ACTIONS.some((x) => x.value === a.type) ? t(`parts.actions.${a.type}`) : a.type))
    .join(', ');

/** Rules in the order they run: enable, edit (when → if → then), move up or down, delete, create. */
export function RulesTab({ me }: { me: Me }) {
  const rules = useRules();
  const toggle = useToggleRule();
  const reorder = useReorderRules();
  const remove = useDeleteRule();
  const toasts = useToasts();
  const choices = useChoices();
  const [editing, setEditing] = useState<ApiRule | 'new' | null>(null);
  const [runsOf, setRunsOf] = useState<ApiRule | null>(null);
  const { t } = useTranslation('automation');
  const canWrite = me.can.manage_automation;
  if (rules.isPending) return <Loader aria-label={t('rules.loading')} />;
  if (rules.error) return <ErrorNotice error={rules.error} onRetry={() => rules.refetch()} />;
  const ordered = [...rules.data.data].sort((a, b) => a.position - b.position);
  const numberName = (id: string | null) =>
    id === null ? t('rules.allNumbers') : (choices.numbers.find((n) => n.value === id)?.label ?? id);

  const move = (i: number, by: -1 | 1) => {
    const ids = ordered.map((r) => r.id);
    const [moved] = ids.splice(i, 1);
    if (!moved) return;
    ids.splice(i + by, 0, moved);
    reorder.mutate(ids, { onError: toasts.showError });
  };

  if (editing) {
    return (
      <RuleEditor
        key={editing === 'new' ? 'new' : editing.id}
        rule={editing === 'new' ? null : editing}
        choices={choices}
        onDone={() => setEditing(null)}
      />
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('rules.intro')}
      </Text>
      {ordered.length === 0 ? (
        <Text c="dimmed">{t('rules.empty')}</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rules.columns.order')}</Table.Th>
              <Table.Th>{t('rules.columns.rule')}</Table.Th>
              <Table.Th>{t('rules.columns.when')}</Table.Th>
              <Table.Th>{t('rules.columns.then')}</Table.Th>
              <Table.Th>{t('rules.columns.enabled')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ordered.map((r, i) => (
              <Table.Tr key={r.id} data-testid="rule-row" data-rule={r.name}>
                <Table.Td>
                  <Group gap={2} wrap="nowrap">
                    <Text size="sm" w={18}>
                      {i + 1}
                    </Text>
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      aria-label={t('rules.moveUp', { name: r.name })}
                      disabled={!canWrite || i === 0}
                      onClick={() => move(i, -1)}
                    >
                      ↑
                    </ActionIcon>
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      aria-label={t('rules.moveDown', { name: r.name })}
                      disabled={!canWrite || i === ordered.length - 1}
                      onClick={() => move(i, 1)}
                    >
                      ↓
                    </ActionIcon>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {r.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {numberName(r.phone_number_id)}
                    {r.conditions.length > 0 && ` · ${t('rules.conditions', { count: r.conditions.length })}`}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" tt="none">
                    {triggerLabel(r, t)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{actionsLabel(r, t)}</Text>
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={t('rules.enable', { name: r.name })}
                    checked={r.enabled}
                    disabled={!canWrite}
                    onChange={(e) =>
                      toggle.mutate(
                        { id: r.id, enabled: e.currentTarget.checked },
                        { onError: toasts.showError },
                      )
                    }
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      aria-label={t('runs.buttonLabel', { name: r.name })}
                      onClick={() => setRunsOf(r)}
                    >
                      {t('runs.button')}
                    </Button>
                    {canWrite && (
                      <Button size="compact-xs" variant="light" onClick={() => setEditing(r)}>
                        {t('common:actions.edit')}
                      </Button>
                    )}
                    {canWrite && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        aria-label={t('rules.delete', { name: r.name })}
                        onClick={() => remove.mutate(r.id, { onError: toasts.showError })}
                      >
                        {t('common:actions.delete')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canWrite && (
        <Button size="compact-sm" w="fit-content" onClick={() => setEditing('new')}>
          {t('rules.new')}
        </Button>
      )}
      <RuleRunsDrawer rule={runsOf} choices={choices} onClose={() => setRunsOf(null)} />
    </Stack>
  );
}
