import { Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Me } from '../../api/types.ts';
import { translate } from '../../i18n/index.ts';
import { formatNumber, locale } from '../../shared/format.ts';
import { useCampaignAction, useCampaignReport } from './campaigns.api.ts';

function Stat({ id, label, value }: { id: string; label: string; value: number | string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={`stat-${id}`}>
        {typeof value === 'number' ? formatNumber(value) : value}
      </Text>
    </Card>
  );
}

/**
 * The scheduled time as the wall clock of the zone it was scheduled in (the business's), not the
 * browser's: "24/12/2026, 09:30:00 (Europe/Madrid)".
 */
function scheduledAt(iso: string, timeZone: string | null): string {
  const at = new Date(iso);
  if (!timeZone) return at.toLocaleString(locale());
  try {
    return `${at.toLocaleString(locale(), { timeZone })} (${timeZone})`;
  } catch {
    return at.toLocaleString(locale());
  }
}

/** A campaign's state in the user's language. */
export function campaignState(state: string): string {
  const states: Record<string, string> = {
    draft: translate('campaigns:states.draft'),
    scheduled: translate('campaigns:states.scheduled'),
    running: translate('campaigns:states.running'),
    paused: translate('campaigns:states.paused'),
    completed: translate('campaigns:states.completed'),
    cancelled: translate('campaigns:states.cancelled'),
  };
  return states[state] ?? state;
}

/** A campaign's live progress, its funnel and failures as charts, and estimated against actual cost. */
export function CampaignReportView({ id, me }: { id: string; me: Me }) {
  const { t } = useTranslation('campaigns');
  const report = useCampaignReport(id);
  const action = useCampaignAction();
  const r = report.data?.data;
  if (!r) return <Text>{t('common:states.loading')}</Text>;
  const c = r.campaign;
  const p = c.progress;
  const funnel = [
    { stage: t('report.recipients'), count: p.recipients },
    { stage: t('report.sent'), count: p.sent },
    { stage: t('report.delivered'), count: p.delivered },
    { stage: t('report.read'), count: p.read },
    { stage: t('report.replied'), count: p.replied },
  ];
  const reasons = [
    ...Object.entries(p.refused_by_reason).map(([reason, count]) => ({ reason, refused: count, failed: 0 })),
    ...Object.entries(p.failed_by_reason).map(([reason, count]) => ({ reason, refused: 0, failed: count })),
  ];
  const money = (v: number) =>
    `${r.cost.currency} ${formatNumber(v, { minimumFractionDigits: 4, maximumFractionDigits: 4 })}`;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={3}>{c.name}</Title>
          <Badge data-testid="campaign-state">{campaignState(c.state)}</Badge>
          {c.scheduled_at && (
            <Text size="sm" c="dimmed" data-testid="campaign-schedule">
              {t('report.scheduledAt', { at: scheduledAt(c.scheduled_at, c.time_zone) })}
            </Text>
          )}
        </Group>
        {me.can.manage_campaigns && (
          <Group>
            {(c.state === 'running' || c.state === 'scheduled') && (
              <Button variant="default" onClick={() => action.mutate({ id, action: 'pause' })}>
                {t('report.pause')}
              </Button>
            )}
            {c.state === 'paused' && (
              <Button onClick={() => action.mutate({ id, action: 'resume' })}>{t('report.resume')}</Button>
            )}
            {!['completed', 'cancelled'].includes(c.state) && (
              <Button color="red" variant="light" onClick={() => action.mutate({ id, action: 'cancel' })}>
                {t('report.cancel')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      <SimpleGrid cols={{ base: 3, md: 6 }}>
        <Stat id="queued" label={t('report.queued')} value={p.queued + p.pending} />
        <Stat id="sent" label={t('report.sent')} value={p.sent} />
        <Stat id="delivered" label={t('report.delivered')} value={p.delivered} />
        <Stat id="read" label={t('report.read')} value={p.read} />
        <Stat id="failed" label={t('report.failed')} value={p.failed} />
        <Stat id="refused" label={t('report.refused')} value={p.refused} />
        <Stat id="replied" label={t('report.replied')} value={p.replied} />
        <Stat id="opted-out-after" label={t('report.optedOutAfter')} value={p.opted_out_after} />
        <Stat id="button-taps" label={t('report.buttonTaps')} value={p.button_taps} />
        <Stat id="estimated-cost" label={t('report.estimatedCost')} value={money(c.estimate?.total ?? 0)} />
        <Stat id="actual-cost" label={t('report.actualCost')} value={money(r.cost.actual)} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Text fw={600} mb="xs">
            {t('report.funnel')}
          </Text>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={funnel}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="stage" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="count" name={t('report.count')} fill="#12b886" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Card>
        <Card withBorder data-testid="not-delivered">
          <Text fw={600} mb="xs">
            {t('report.notDelivered')}
          </Text>
          {reasons.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('common:states.none')}
            </Text>
          ) : (
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={reasons} layout="vertical">
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="reason" width={190} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Legend />
                <Bar
                  dataKey="refused"
                  name={t('report.refused')}
                  stackId="a"
                  fill="#fab005"
                  isAnimationActive={false}
                />
                <Bar
                  dataKey="failed"
                  name={t('report.failed')}
                  stackId="a"
                  fill="#fa5252"
                  isAnimationActive={false}
                />
              </BarChart>
            </ResponsiveContainer>
          )}
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Text fw={600} mb="xs">
          {t('report.costByCategory')}
        </Text>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('report.category')}</Table.Th>
              <Table.Th>{t('report.messages')}</Table.Th>
              <Table.Th>{t('report.estimated')}</Table.Th>
              <Table.Th>{t('report.actual')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.cost.by_category.map((b) => (
              <Table.Tr key={b.category}>
                <Table.Td>{b.category}</Table.Td>
                <Table.Td>{formatNumber(b.messages)}</Table.Td>
                <Table.Td>{money(b.estimated)}</Table.Td>
                <Table.Td>{money(b.actual)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
