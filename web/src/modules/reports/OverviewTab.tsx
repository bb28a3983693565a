import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { Bars, Lines } from './Charts.tsx';
import { formatDuration, formatPercent } from './format.ts';
import { type Distribution, type Overview, type ReportFilters, useReport } from './reports.api.ts';

function DurationCard({ label, d }: { label: string; d: Distribution }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {formatDuration(d.median)}
      </Text>
      <Text size="xs" c="dimmed">
        median · mean {formatDuration(d.mean)} · p90 {formatDuration(d.p90)} · {d.count}
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
  const report = useReport<Overview>('overview', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const t = report.data?.totals;
  if (!t) return <Text c="dimmed">Loading…</Text>;
  const series = (report.data?.series ?? []).map((d) => ({
    ...d,
    day: d.day.slice(5),
    frt_minutes:
      d.first_response_time_mean === null ? null : Math.round(d.first_response_time_mean / 6_000) / 10,
  }));
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <DurationCard label="First response time" d={t.first_response_time} />
        <DurationCard label="Reply time (humans)" d={t.reply_time} />
        <DurationCard label="Resolution time (per cycle)" d={t.resolution_time} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 2, sm: 6 }} spacing="sm">
        <Stat
          label="Conversations"
          value={String(t.conversations_opened)}
          hint={`${t.conversations_reopened} reopened`}
        />
        <Stat label="Resolved" value={String(t.conversations_resolved)} />
        <Stat label="Messages in / out" value={`${t.messages_received} / ${t.messages_sent}`} />
        <Stat
          label="Bot handoff rate"
          value={formatPercent(t.handoff_rate)}
          hint={`${t.bot_handoffs} of ${t.bot_engaged}`}
        />
        <Stat
          label="Bot containment"
          value={formatPercent(t.bot_containment)}
          hint={`${t.bot_contained} of ${t.bot_resolved}`}
        />
        <Stat
          label="CSAT"
          value={formatPercent(t.csat.score)}
          hint={`${t.csat.responses} answers · ${formatPercent(t.csat.response_rate)} response rate`}
        />
      </SimpleGrid>
      <Group grow align="flex-start" wrap="wrap">
        <Card withBorder padding="sm" miw={320}>
          <Title order={5} mb="xs">
            Volume by day
          </Title>
          <Bars
            label="Messages received and sent by day"
            data={series}
            x="day"
            series={[
              { key: 'messages_received', label: 'Received', color: 'blue' },
              { key: 'messages_sent', label: 'Sent', color: 'teal' },
            ]}
          />
        </Card>
        <Card withBorder padding="sm" miw={320}>
          <Title order={5} mb="xs">
            Conversations and first response (min)
          </Title>
          <Lines
            label="Conversations opened and resolved, and the mean first response time, by day"
            data={series}
            x="day"
            series={[
              { key: 'conversations_opened', label: 'Opened', color: 'blue' },
              { key: 'conversations_resolved', label: 'Resolved', color: 'teal' },
              { key: 'frt_minutes', label: 'First response (min)', color: 'orange' },
            ]}
          />
        </Card>
      </Group>
    </Stack>
  );
}
