import { Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { translate } from '../../i18n/index.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime, formatNumber, locale } from '../../shared/format.ts';
import { campaignState } from '../campaigns/CampaignReportView.tsx';
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

const responderLabel = (responder: string): string =>
  ({
    agent: translate('reports:responders.agent'),
    business_app: translate('reports:responders.businessApp'),
    bot: translate('reports:responders.bot'),
    api: 'API',
    campaign: translate('reports:responders.campaign'),
  })[responder] ?? responder;

function CsvButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation('reports');
  return (
    <Button size="xs" variant="default" onClick={onClick}>
      {t('exportCsv')}
    </Button>
  );
}

/** Agents, teams or numbers: one row each with the core metrics. */
export function GroupedTab({ filters, path, noun }: { filters: ReportFilters; path: string; noun: string }) {
  const { t } = useTranslation('reports');
  const report = useReport<Grouped>(path, filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const rows = report.data?.data ?? [];
  const name = (r: Grouped['data'][number]) => r.name ?? (r.id === '' ? t('grouped.none') : r.id);
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
        <Table striped aria-label={t('grouped.label', { noun })}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{noun}</Table.Th>
              <Table.Th>{t('overview.resolved')}</Table.Th>
              <Table.Th>{t('grouped.frt')}</Table.Th>
              <Table.Th>{t('grouped.reply')}</Table.Th>
              <Table.Th>{t('grouped.resolution')}</Table.Th>
              <Table.Th>CSAT</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{name(r)}</Table.Td>
                <Table.Td>{formatNumber(r.metrics.conversations_resolved)}</Table.Td>
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
      {rows.length === 0 && <Text c="dimmed">{t('nothing')}</Text>}
    </Stack>
  );
}

/** Who answered: agents, the bot, the Business app (the phone), the API. */
export function RespondersTab({ filters }: { filters: ReportFilters }) {
  const { t } = useTranslation('reports');
  const report = useReport<Responders>('responders', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const rows = report.data?.data ?? [];
  const chart = rows.map((r) => ({
    responder: responderLabel(r.responder),
    first_responses: r.first_responses,
    messages_sent: r.messages_sent,
  }));
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <Title order={5} mb="xs">
          {t('tabs.responders')}
        </Title>
        <Bars
          label={t('responders.chart')}
          data={chart}
          x="responder"
          series={[
            { key: 'first_responses', label: t('responders.firstResponses'), color: 'violet' },
            { key: 'messages_sent', label: t('responders.messagesSent'), color: 'teal' },
          ]}
        />
      </Card>
      <Table striped aria-label={t('tabs.responders')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('responders.responder')}</Table.Th>
            <Table.Th>{t('responders.firstResponses')}</Table.Th>
            <Table.Th>{t('responders.share')}</Table.Th>
            <Table.Th>{t('responders.frt')}</Table.Th>
            <Table.Th>{t('responders.reply')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.responder}>
              <Table.Td>{responderLabel(r.responder)}</Table.Td>
              <Table.Td>{formatNumber(r.first_responses)}</Table.Td>
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

/** Sunday (0) to Saturday (6), short, in the user's language: 1 January 2023 was a Sunday. */
const weekdays = () =>
  Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(locale(), { weekday: 'short', timeZone: 'UTC' }).format(Date.UTC(2023, 0, 1 + i)),
  );
const FOUR_DIGITS = { minimumFractionDigits: 4, maximumFractionDigits: 4 } as const;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Customer messages by weekday and hour in the chosen time zone, as a heat map. */
export function HoursTab({ filters }: { filters: ReportFilters }) {
  const { t } = useTranslation('reports');
  const report = useReport<BusiestHours>('busiest-hours', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const cells = report.data?.data ?? [];
  const max = Math.max(1, ...cells.map((c) => c.messages));
  const at = (w: number, h: number) => cells.find((c) => c.weekday === w && c.hour === h)?.messages ?? 0;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table withTableBorder aria-label={t('tabs.hours')} verticalSpacing={2} horizontalSpacing={2} fz="xs">
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
          {weekdays().map((day, w) => (
            <Table.Tr key={day}>
              <Table.Th>{day}</Table.Th>
              {HOURS.map((h) => {
                const n = at(w, h);
                return (
                  <Table.Td
                    key={`${day}-${h}`}
                    ta="center"
                    title={t('hours.cell', { day, hour: `${h}:00`, count: n })}
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

const categoryName = (category: string): string =>
  ({
    marketing: translate('reports:categories.marketing'),
    utility: translate('reports:categories.utility'),
    authentication: translate('reports:categories.authentication'),
    authentication_international: translate('reports:categories.authenticationInternational'),
    service: translate('reports:categories.service'),
    free_entry_point: translate('reports:categories.freeEntryPoint'),
  })[category] ?? category;

/** Costs by pricing category per number, with the share of free service-window traffic. */
export function CostsTab({ filters }: { filters: ReportFilters }) {
  const { t } = useTranslation('reports');
  const report = useReport<CostsReport>('costs', filters);
  if (report.error) return <ErrorNotice error={report.error} onRetry={() => report.refetch()} />;
  const data = report.data;
  const rows = data?.rows ?? [];
  const byCategory = Object.values(
    rows.reduce<Record<string, { category: string; charged: number; free: number }>>((acc, r) => {
      const key = categoryName(r.category);
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
        <Text>{t('costs.freeShare', { share: formatPercent(data?.free_service_window_share) })}</Text>
        <CsvButton onClick={handleExport} />
      </Group>
      <Card withBorder padding="sm">
        <Bars
          label={t('costs.chart')}
          data={byCategory}
          x="category"
          stacked
          series={[
            { key: 'charged', label: t('costs.charged'), color: 'orange' },
            { key: 'free', label: t('costs.free'), color: 'teal' },
          ]}
        />
      </Card>
      <Table striped aria-label={t('tabs.costs')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('filters.number')}</Table.Th>
            <Table.Th>{t('costs.category')}</Table.Th>
            <Table.Th>{t('costs.messages')}</Table.Th>
            <Table.Th>{t('costs.charged')}</Table.Th>
            <Table.Th>{t('costs.freeService')}</Table.Th>
            <Table.Th>{t('costs.cost', { currency: data?.currency ?? '' })}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.phone_number_id}-${r.category}`}>
              <Table.Td>{r.phone_number_id}</Table.Td>
              <Table.Td>{categoryName(r.category)}</Table.Td>
              <Table.Td>{formatNumber(r.messages)}</Table.Td>
              <Table.Td>{formatNumber(r.charged)}</Table.Td>
              <Table.Td>{formatNumber(r.free_customer_service)}</Table.Td>
              <Table.Td>{formatNumber(r.cost, FOUR_DIGITS)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** The latest CSAT answers with comments, and the SLA breaches. */
export function CsatSlaTab({ filters }: { filters: ReportFilters }) {
  const { t } = useTranslation('reports');
  const csat = useCsatResponses(filters);
  const sla = useSlaBreaches(filters);
  return (
    <Stack gap="md">
      <Title order={5}>{t('csat.answers')}</Title>
      {csat.error && <ErrorNotice error={csat.error} onRetry={() => csat.refetch()} />}
      <Table striped aria-label={t('csat.answers')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('csat.sent')}</Table.Th>
            <Table.Th>{t('csat.conversation')}</Table.Th>
            <Table.Th>{t('csat.rating')}</Table.Th>
            <Table.Th>{t('csat.comment')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(csat.data?.data ?? []).map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>{formatDateTime(s.sent_at)}</Table.Td>
              <Table.Td>{s.conversation_id}</Table.Td>
              <Table.Td>{s.rating ?? t('csat.noAnswer')}</Table.Td>
              <Table.Td>{s.comment ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={5}>{t('sla.breaches')}</Title>
      {sla.error && <ErrorNotice error={sla.error} onRetry={() => sla.refetch()} />}
      <Table striped aria-label={t('sla.breaches')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sla.due')}</Table.Th>
            <Table.Th>{t('csat.conversation')}</Table.Th>
            <Table.Th>{t('sla.target')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(sla.data?.data ?? []).map((b) => (
            <Table.Tr key={b.id}>
              <Table.Td>{formatDateTime(b.due_at)}</Table.Td>
              <Table.Td>{b.conversation_id}</Table.Td>
              <Table.Td>
                {b.kind === 'first_response'
                  ? t('sla.firstResponseIn', { duration: formatDuration(b.target_ms) })
                  : t('sla.resolutionIn', { duration: formatDuration(b.target_ms) })}
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
  const { t } = useTranslation('reports');
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
  if (!data) return <Text c="dimmed">{t('common:states.loading')}</Text>;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text>{rows.length === 0 ? t('campaigns.none') : t('campaigns.count', { count: rows.length })}</Text>
        <CsvButton onClick={handleExport} />
      </Group>
      {rows.length > 0 && (
        <Card withBorder padding="sm">
          <Bars
            label={t('campaigns.funnel')}
            data={rows.map((c) => ({
              campaign: c.name,
              sent: c.sent,
              delivered: c.delivered,
              read: c.read,
              replied: c.replied,
            }))}
            x="campaign"
            series={[
              { key: 'sent', label: t('campaigns.sent'), color: 'gray' },
              { key: 'delivered', label: t('campaigns.delivered'), color: 'blue' },
              { key: 'read', label: t('campaigns.read'), color: 'teal' },
              { key: 'replied', label: t('campaigns.replied'), color: 'grape' },
            ]}
          />
        </Card>
      )}
      <Table striped aria-label={t('tabs.campaigns')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('campaigns.campaign')}</Table.Th>
            <Table.Th>{t('campaigns.state')}</Table.Th>
            <Table.Th>{t('campaigns.sent')}</Table.Th>
            <Table.Th>{t('campaigns.delivered')}</Table.Th>
            <Table.Th>{t('campaigns.read')}</Table.Th>
            <Table.Th>{t('campaigns.replied')}</Table.Th>
            <Table.Th>{t('campaigns.failed')}</Table.Th>
            <Table.Th>{t('campaigns.costByCategory', { currency })}</Table.Th>
            <Table.Th>{t('campaigns.estimatedActual')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>{campaignState(c.state)}</Table.Td>
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
                  .map((b) => `${categoryName(b.category)}: ${formatNumber(b.actual, FOUR_DIGITS)}`)
                  .join(', ')}
              </Table.Td>
              <Table.Td>
                {formatNumber(c.cost_estimated, FOUR_DIGITS)} / {formatNumber(c.cost_actual, FOUR_DIGITS)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
