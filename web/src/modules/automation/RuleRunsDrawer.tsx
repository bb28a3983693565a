import {
  Badge,
  Button,
  Drawer,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { Link } from '../../shared/router.tsx';
import type { RuleChoices } from './rule-parts.tsx';
import { type ApiRule, type ApiRuleRun, type RunFilters, useRuleRuns } from './rules.api.ts';
import { partName, type RunNames, reasonText, stepText } from './run-text.ts';

const OUTCOME_COLOR: Record<ApiRuleRun['outcome'], string> = { done: 'teal', skipped: 'gray', failed: 'red' };

/** The periods the drawer offers, in hours (empty: all time). */
const PERIODS = ['', '1', '24', '168', '720'] as const;

/**
 * A rule's run log (`GET /api/automation/runs?rule_id=`): each time its trigger fired, what each
 * action did, or why the rule did nothing (a condition not met, no action possible, a failure);
 * filtered by outcome, period and conversation, newest first, 50 at a time. Everything is said in the
 * user's language from the run's codes (`run-text.ts`); agents and labels by their names from `choices`.
 */
export function RuleRunsDrawer({
  rule,
  choices,
  onClose,
}: {
  rule: ApiRule | null;
  choices?: Pick<RuleChoices, 'agents' | 'labels'>;
  onClose: () => void;
}) {
  const { t } = useTranslation('automation');
  return (
    <Drawer
      opened={rule !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={rule ? t('runs.title', { name: rule.name }) : ''}
    >
      {rule && <RunLog key={rule.id} rule={rule} choices={choices} />}
    </Drawer>
  );
}

function RunLog({
  rule,
  choices,
}: {
  rule: ApiRule;
  choices: Pick<RuleChoices, 'agents' | 'labels'> | undefined;
}) {
  const { t } = useTranslation('automation');
  const names = useMemo<RunNames>(
    () => ({
      agents: new Map((choices?.agents ?? []).map((o) => [o.value, o.label])),
      labels: new Map((choices?.labels ?? []).map((o) => [o.value, o.label])),
    }),
    [choices],
  );
  const [outcome, setOutcome] = useState<'' | ApiRuleRun['outcome']>('');
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>('');
  const [conversation, setConversation] = useState('');
  // The period's start is fixed when it is chosen (not on every render, which would refetch).
  const filters = useMemo<RunFilters>(
    () => ({
      outcome: outcome || undefined,
      conversationId: conversation.trim() || undefined,
      from: period ? new Date(Date.now() - Number(period) * 3_600_000).toISOString() : undefined,
    }),
    [outcome, period, conversation],
  );
  const runs = useRuleRuns(rule.id, filters);
  const rows = runs.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Stack gap="sm" data-testid="rule-runs">
      <Text size="sm" c="dimmed">
        {t('runs.intro')}
      </Text>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          size="xs"
          aria-label={t('runs.filters.outcome')}
          value={outcome}
          onChange={(v) => setOutcome(v as typeof outcome)}
          data={[
            { value: '', label: t('runs.outcomes.all') },
            { value: 'done', label: t('runs.outcomes.done') },
            { value: 'skipped', label: t('runs.outcomes.skipped') },
            { value: 'failed', label: t('runs.outcomes.failed') },
          ]}
        />
        <Select
          size="xs"
          w={160}
          label={t('runs.filters.period')}
          value={period}
          allowDeselect={false}
          onChange={(v) => setPeriod((v ?? '') as typeof period)}
          data={PERIODS.map((p) => ({ value: p, label: t(`runs.periods.h${p || 'all'}`) }))}
        />
        <TextInput
          size="xs"
          w={240}
          label={t('runs.filters.conversation')}
          placeholder={t('runs.filters.conversationPlaceholder')}
          value={conversation}
          onChange={(e) => setConversation(e.currentTarget.value)}
        />
      </Group>
      {runs.isPending ? (
        <Loader size="sm" aria-label={t('runs.loading')} />
      ) : runs.error ? (
        <ErrorNotice error={runs.error} onRetry={() => runs.refetch()} />
      ) : rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('runs.empty')}
        </Text>
      ) : (
        <Table verticalSpacing={6} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('runs.columns.when')}</Table.Th>
              <Table.Th>{t('runs.columns.outcome')}</Table.Th>
              <Table.Th>{t('runs.columns.conversation')}</Table.Th>
              <Table.Th>{t('runs.columns.what')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((run) => (
              <RunRow key={run.id} run={run} names={names} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {runs.hasNextPage && (
        <Button
          size="compact-sm"
          variant="light"
          w="fit-content"
          loading={runs.isFetchingNextPage}
          onClick={() => void runs.fetchNextPage()}
        >
          {t('common:actions.loadMore')}
        </Button>
      )}
    </Stack>
  );
}

function RunRow({ run, names }: { run: ApiRuleRun; names: RunNames }) {
  const { t } = useTranslation('automation');
  const trigger = partName(t, 'triggers', run.trigger);
  const reason = reasonText(t, run);
  return (
    <Table.Tr data-testid="rule-run" data-outcome={run.outcome}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{formatDateTime(run.created_at)}</Text>
        <Text size="xs" c="dimmed">
          {trigger}
        </Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Badge
          variant="light"
          color={OUTCOME_COLOR[run.outcome]}
          tt="none"
          styles={{ root: { overflow: 'visible' }, label: { overflow: 'visible' } }}
        >
          {t(`runs.outcomes.${run.outcome}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        {run.conversation_id ? (
          <Link to={`/inbox/${run.conversation_id}`} style={{ fontSize: 13 }}>
            {t('runs.openConversation')}
          </Link>
        ) : (
          '—'
        )}
      </Table.Td>
      <Table.Td>
        {reason && (
          <Text size="sm" fw={500} data-testid="run-reason">
            {reason}
          </Text>
        )}
        {run.steps.map((step, i) => (
          <Text
            // biome-ignore lint/suspicious/noArrayIndexKey: a run's steps never reorder.
            key={i}
            size="xs"
            c={step.ok ? undefined : 'dimmed'}
            data-testid="run-step"
            data-code={step.code}
          >
            {t('runs.step', {
              mark: step.ok ? '✓' : '✗',
              action: partName(t, 'actions', step.action),
              text: stepText(t, step, names),
            })}
          </Text>
        ))}
      </Table.Td>
    </Table.Tr>
  );
}
