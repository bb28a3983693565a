import { Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { Bars } from './Charts.tsx';
import { downloadCsv, formatDuration, formatPercent } from './format.ts';
import {
  type BusiestHours,
  type CampaignsReport,
  type CostsReport,
  type Grouped,
  type ReportFilters,
  type Responders,
  useCsatResponses,
  useReport,
  useSlaBreaches,
} from './reports.api.ts';

const responderLabel: Record<string, string> = {
  agent: 'Agents',
  business_app: 'Business app',
  bot: 'Bot',
  api: 'API',
  campaign: 'Campaigns',
};

function CsvButton({ onClick }: { onClick: () => void }) {
  return (
    <Button size="xs" variant="default" onClick={onClick}>
      Export CSV
    </Button>
  );
}

/** Agents, teams or numbers: one row each with the core metrics. */
export function GroupedTab({ filters, path, noun }: { filters: ReportFilters; path: string; noun: string }) {
  const report = useReport<Grouped>(path, filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const rows = report.data?.data ?? [];
  const name = (r: Grouped['data'][number]) => r.name ?? (r.id === '' ? `No ${noun.toLowerCase()}` : r.id);
  const handleExport = () =>
    downloadCsv(
      `${path}.csv`,
      [
        noun,
        'resolved',
        'frt_median_ms',
        'frt_mean_ms',
        'frt_p90_ms',
        'reply_median_ms',
        'resolution_median_ms',
        'csat_score',
        'csat_responses',
      ],
      rows.map((r) => [
        name(r),
        r.metrics.conversations_resolved,
        r.metrics.first_response_time.median,
        r.metrics.first_response_time.mean,
        r.metrics.first_response_time.p90,
        r.metrics.reply_time.median,
        r.metrics.resolution_time.median,
        r.metrics.csat.score,
        r.metrics.csat.responses,
      ]),
    );
  return (
    <Stack gap="sm">
      <Group justify="flex-end">
        <CsvButton onClick={handleExport} />
      </Group>
      <Table.ScrollContainer minWidth={760}>
        <Table striped aria-label={`${noun} report`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{noun}</Table.Th>
              <Table.Th>Resolved</Table.Th>
              <Table.Th>First response (median / mean / p90)</Table.Th>
              <Table.Th>Reply time (median)</Table.Th>
              <Table.Th>Resolution (median)</Table.Th>
              <Table.Th>CSAT</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{name(r)}</Table.Td>
                <Table.Td>{r.metrics.conversations_resolved}</Table.Td>
                <Table.Td>
                  {formatDuration(r.metrics.first_response_time.median)} /{' '}
                  {formatDuration(r.metrics.first_response_time.mean)} /{' '}
                  {formatDuration(r.metrics.first_response_time.p90)}
                </Table.Td>
                <Table.Td>{formatDuration(r.metrics.reply_time.median)}</Table.Td>
                <Table.Td>{formatDuration(r.metrics.resolution_time.median)}</Table.Td>
                <Table.Td>
                  {formatPercent(r.metrics.csat.score)} ({r.metrics.csat.responses})
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {rows.length === 0 && <Text c="dimmed">Nothing in this range.</Text>}
    </Stack>
  );
}

/** Who answered: agents, the bot, the Business app (the phone), the API. */
export function RespondersTab({ filters }: { filters: ReportFilters }) {
  const report = useReport<Responders>('responders', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const rows = report.data?.data ?? [];
  const chart = rows.map((r) => ({
    responder: responderLabel[r.responder] ?? r.responder,
    first_responses: r.first_responses,
    messages_sent: r.messages_sent,
  }));
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <Title order={5} mb="xs">
          Who answered
        </Title>
        <Bars
          label="First responses and messages sent by who answered"
          data={chart}
          x="responder"
          series={[
            { key: 'first_responses', label: 'First responses', color: 'violet' },
            { key: 'messages_sent', label: 'Messages sent', color: 'teal' },
          ]}
        />
      </Card>
      <Table striped aria-label="Who answered">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Responder</Table.Th>
            <Table.Th>First responses</Table.Th>
            <Table.Th>Share</Table.Th>
            <Table.Th>First response (median / p90)</Table.Th>
            <Table.Th>Reply time (median / p90)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.responder}>
              <Table.Td>{responderLabel[r.responder]}</Table.Td>
              <Table.Td>{r.first_responses}</Table.Td>
              <Table.Td>{formatPercent(r.first_response_share)}</Table.Td>
              <Table.Td>
                {formatDuration(r.first_response_time.median)} / {formatDuration(r.first_response_time.p90)}
              </Table.Td>
              <Table.Td>
                {formatDuration(r.reply_time.median)} / {formatDuration(r.reply_time.p90)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Customer messages by weekday and hour in the chosen time zone, as a heat map. */
export function HoursTab({ filters }: { filters: ReportFilters }) {
  const report = useReport<BusiestHours>('busiest-hours', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const cells = report.data?.data ?? [];
  const max = Math.max(1, ...cells.map((c) => c.messages));
  const at = (w: number, h: number) => cells.find((c) => c.weekday === w && c.hour === h)?.messages ?? 0;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table withTableBorder aria-label="Busiest hours" verticalSpacing={2} horizontalSpacing={2} fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            {HOURS.map((h) => (
              <Table.Th key={`h${h}`} ta="center">
                {h}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {WEEKDAYS.map((day, w) => (
            <Table.Tr key={day}>
              <Table.Th>{day}</Table.Th>
              {HOURS.map((h) => {
                const n = at(w, h);
                return (
                  <Table.Td
                    key={`${day}-${h}`}
                    ta="center"
                    title={`${day} ${h}:00 — ${n} messages`}
                    style={{
                      background: `rgba(34, 139, 230, ${(n / max) * 0.85})`,
                      color: n / max > 0.5 ? 'white' : undefined,
                    }}
                  >
                    {n || ''}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const categoryLabel: Record<string, string> = {
  marketing: 'Marketing',
  utility: 'Utility',
  authentication: 'Authentication',
  authentication_international: 'Authentication (international)',
  service: 'Service',
  free_entry_point: 'Free entry point',
};

/** Costs by pricing category per number, with the share of free service-window traffic. */
export function CostsTab({ filters }: { filters: ReportFilters }) {
  const report = useReport<CostsReport>('costs', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const data = report.data;
  const rows = data?.rows ?? [];
  const byCategory = Object.values(
    rows.reduce<Record<string, { category: string; charged: number; free: number }>>((acc, r) => {
      const key = categoryLabel[r.category] ?? r.category;
      const e = acc[key] ?? { category: key, charged: 0, free: 0 };
      e.charged += r.charged;
      e.free += r.free_customer_service + r.free_entry_point;
      acc[key] = e;
      return acc;
    }, {}),
  );
  const handleExport = () =>
    downloadCsv(
      'costs.csv',
      [
        'phone_number_id',
        'category',
        'messages',
        'charged',
        'free_customer_service',
        'free_entry_point',
        `cost_${data?.currency ?? ''}`,
      ],
      rows.map((r) => [
        r.phone_number_id,
        r.category,
        r.messages,
        r.charged,
        r.free_customer_service,
        r.free_entry_point,
        r.cost,
      ]),
    );
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text>
          Free service-window traffic: <b>{formatPercent(data?.free_service_window_share)}</b> of priced
          messages
        </Text>
        <CsvButton onClick={handleExport} />
      </Group>
      <Card withBorder padding="sm">
        <Bars
          label="Priced messages by category, charged and free"
          data={byCategory}
          x="category"
          stacked
          series={[
            { key: 'charged', label: 'Charged', color: 'orange' },
            { key: 'free', label: 'Free', color: 'teal' },
          ]}
        />
      </Card>
      <Table striped aria-label="Costs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Number</Table.Th>
            <Table.Th>Category</Table.Th>
            <Table.Th>Messages</Table.Th>
            <Table.Th>Charged</Table.Th>
            <Table.Th>Free (service window)</Table.Th>
            <Table.Th>Cost ({data?.currency})</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.phone_number_id}-${r.category}`}>
              <Table.Td>{r.phone_number_id}</Table.Td>
              <Table.Td>{categoryLabel[r.category] ?? r.category}</Table.Td>
              <Table.Td>{r.messages}</Table.Td>
              <Table.Td>{r.charged}</Table.Td>
              <Table.Td>{r.free_customer_service}</Table.Td>
              <Table.Td>{r.cost.toFixed(4)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** The latest CSAT answers with comments, and the SLA breaches. */
export function CsatSlaTab({ filters }: { filters: ReportFilters }) {
  const csat = useCsatResponses(filters);
  const sla = useSlaBreaches(filters);
  return (
    <Stack gap="md">
      <Title order={5}>CSAT answers</Title>
      {csat.error && <ErrorNotice error={csat.error} onRetry={() => csat.refetch()} />}
      <Table striped aria-label="CSAT answers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Conversation</Table.Th>
            <Table.Th>Rating</Table.Th>
            <Table.Th>Comment</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(csat.data?.data ?? []).map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>{new Date(s.sent_at).toLocaleString()}</Table.Td>
              <Table.Td>{s.conversation_id}</Table.Td>
              <Table.Td>{s.rating ?? 'no answer'}</Table.Td>
              <Table.Td>{s.comment ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={5}>SLA breaches</Title>
      {sla.error && <ErrorNotice error={sla.error} onRetry={() => sla.refetch()} />}
      <Table striped aria-label="SLA breaches">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Due</Table.Th>
            <Table.Th>Conversation</Table.Th>
            <Table.Th>Target</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(sla.data?.data ?? []).map((b) => (
            <Table.Tr key={b.id}>
              <Table.Td>{new Date(b.due_at).toLocaleString()}</Table.Td>
              <Table.Td>{b.conversation_id}</Table.Td>
              <Table.Td>
                {b.kind === 'first_response' ? 'First response' : 'Resolution'} in{' '}
                {formatDuration(b.target_ms)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Campaign results: the delivery funnel, replies and cost (estimated and actual) of each campaign. */
export function CampaignsTab({ filters }: { filters: ReportFilters }) {
  const report = useReport<CampaignsReport>('campaigns', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const data = report.data;
  const rows = data?.data ?? [];
  const currency = data?.currency ?? '';
  const handleExport = () =>
    downloadCsv(
      'campaigns.csv',
      [
        'campaign',
        'phone_number_id',
        'template',
        'state',
        'started_at',
        'recipients',
        'sent',
        'delivered',
        'read',
        'failed',
        'refused',
        'replied',
        'opted_out_after',
        `cost_estimated_${currency}`,
        `cost_actual_${currency}`,
      ],
      rows.map((c) => [
        c.name,
        c.phone_number_id,
        `${c.template_name} (${c.template_language})`,
        c.state,
        c.started_at ?? '',
        c.recipients,
        c.sent,
        c.delivered,
        c.read,
        c.failed,
        c.refused,
        c.replied,
        c.opted_out_after,
        c.cost_estimated,
        c.cost_actual,
      ]),
    );
  if (!data) return <Text c="dimmed">Loading…</Text>;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text>
          {rows.length === 0
            ? 'No campaign started in this range.'
            : `${rows.length} ${rows.length === 1 ? 'campaign' : 'campaigns'} in this range`}
        </Text>
        <CsvButton onClick={handleExport} />
      </Group>
      {rows.length > 0 && (
        <Card withBorder padding="sm">
          <Bars
            label="Campaign funnel: sent, delivered, read, replied"
            data={rows.map((c) => ({
              campaign: c.name,
              sent: c.sent,
              delivered: c.delivered,
              read: c.read,
              replied: c.replied,
            }))}
            x="campaign"
            series={[
              { key: 'sent', label: 'Sent', color: 'gray' },
              { key: 'delivered', label: 'Delivered', color: 'blue' },
              { key: 'read', label: 'Read', color: 'teal' },
              { key: 'replied', label: 'Replied', color: 'grape' },
            ]}
          />
        </Card>
      )}
      <Table striped aria-label="Campaigns">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Campaign</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Delivered</Table.Th>
            <Table.Th>Read</Table.Th>
            <Table.Th>Replied</Table.Th>
            <Table.Th>Failed</Table.Th>
            <Table.Th>Cost by category ({currency})</Table.Th>
            <Table.Th>Estimated / actual</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>{c.state}</Table.Td>
              <Table.Td>{c.sent}</Table.Td>
              <Table.Td>
                {c.delivered} ({formatPercent(c.delivery_rate)})
              </Table.Td>
              <Table.Td>
                {c.read} ({formatPercent(c.read_rate)})
              </Table.Td>
              <Table.Td>
                {c.replied} ({formatPercent(c.reply_rate)})
              </Table.Td>
              <Table.Td>{c.failed}</Table.Td>
              <Table.Td>
                {c.costs_by_category
                  .map((b) => `${categoryLabel[b.category] ?? b.category}: ${b.actual.toFixed(4)}`)
                  .join(', ')}
              </Table.Td>
              <Table.Td>
                {c.cost_estimated.toFixed(4)} / {c.cost_actual.toFixed(4)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
