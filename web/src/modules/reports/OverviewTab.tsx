import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatNumber } from '../../shared/format.ts';
import { Bars, Lines } from './Charts.tsx';
import { formatDuration, formatPercent } from './format.ts';
import { type Distribution, type Overview, type ReportFilters, useReport } from './reports.api.ts';

function DurationCard({ label, d }: { label: string; d: Distribution }) {
  const { t } = useTranslation('reports');
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {formatDuration(d.median)}
      </Text>
      <Text size="xs" c="dimmed">
        {t('overview.distribution', {
          mean: formatDuration(d.mean),
          p90: formatDuration(d.p90),
          count: formatNumber(d.count),
        })}
      </Text>
    </Card>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
}

/** Totals with median, mean and p90 of each duration, and the daily volumes as charts. */
export function OverviewTab({ filters }: { filters: ReportFilters }) {
  const { t: tr } = useTranslation('reports');
  const report = useReport<Overview>('overview', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const t = report.data?.totals;
  if (!t) return <Text c="dimmed">{tr('common:states.loading')}</Text>;
  const series = (report.data?.series ?? []).map((d) => ({
    ...d,
    day: d.day.slice(5),
    frt_minutes:
      d.first_response_time_mean === null ? null : Math.round(d.first_response_time_mean / 6_000) / 10,
  }));
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <DurationCard label={tr('overview.firstResponse')} d={t.first_response_time} />
        <DurationCard label={tr('overview.replyTime')} d={t.reply_time} />
        <DurationCard label={tr('overview.resolutionTime')} d={t.resolution_time} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 2, sm: 6 }} spacing="sm">
        <Stat
          label={tr('overview.conversations')}
          value={formatNumber(t.conversations_opened)}
          hint={tr('overview.reopened', { count: t.conversations_reopened })}
        />
        <Stat label={tr('overview.resolved')} value={formatNumber(t.conversations_resolved)} />
        <Stat
          label={tr('overview.messagesInOut')}
          value={`${formatNumber(t.messages_received)} / ${formatNumber(t.messages_sent)}`}
        />
        <Stat
          label={tr('overview.handoffRate')}
          value={formatPercent(t.handoff_rate)}
          hint={tr('overview.of', { part: formatNumber(t.bot_handoffs), whole: formatNumber(t.bot_engaged) })}
        />
        <Stat
          label={tr('overview.containment')}
          value={formatPercent(t.bot_containment)}
          hint={tr('overview.of', {
            part: formatNumber(t.bot_contained),
            whole: formatNumber(t.bot_resolved),
          })}
        />
        <Stat
          label="CSAT"
          value={formatPercent(t.csat.score)}
          hint={tr('overview.csatHint', {
            count: t.csat.responses,
            rate: formatPercent(t.csat.response_rate),
          })}
        />
      </SimpleGrid>
      <Group grow align="flex-start" wrap="wrap">
        <Card withBorder padding="sm" miw={320}>
          <Title order={5} mb="xs">
            {tr('overview.volume')}
          </Title>
          <Bars
            label={tr('overview.volumeChart')}
            data={series}
            x="day"
            series={[
              { key: 'messages_received', label: tr('overview.received'), color: 'blue' },
              { key: 'messages_sent', label: tr('overview.sent'), color: 'teal' },
            ]}
          />
        </Card>
        <Card withBorder padding="sm" miw={320}>
          <Title order={5} mb="xs">
            {tr('overview.conversationsChartTitle')}
          </Title>
          <Lines
            label={tr('overview.conversationsChart')}
            data={series}
            x="day"
            series={[
              { key: 'conversations_opened', label: tr('overview.opened'), color: 'blue' },
              { key: 'conversations_resolved', label: tr('overview.resolved'), color: 'teal' },
              { key: 'frt_minutes', label: tr('overview.frtMinutes'), color: 'orange' },
            ]}
          />
        </Card>
      </Group>
    </Stack>
  );
}
