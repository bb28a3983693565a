import { Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Me } from '../../api/types.ts';
import { useCampaignAction, useCampaignReport } from './campaigns.api.ts';

function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={`stat-${label.toLowerCase().replace(/\s+/g, '-')}`}>
        {value}
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
  if (!timeZone) return at.toLocaleString();
  try {
    return `${at.toLocaleString(undefined, { timeZone })} (${timeZone})`;
  } catch {
    return at.toLocaleString();
  }
}

/** A campaign's live progress, its funnel and failures as charts, and estimated against actual cost. */
export function CampaignReportView({ id, me }: { id: string; me: Me }) {
  const report = useCampaignReport(id);
  const action = useCampaignAction();
  const r = report.data?.data;
  if (!r) return <Text>Loading…</Text>;
  const c = r.campaign;
  const p = c.progress;
  const funnel = [
    { stage: 'Recipients', count: p.recipients },
    { stage: 'Sent', count: p.sent },
    { stage: 'Delivered', count: p.delivered },
    { stage: 'Read', count: p.read },
    { stage: 'Replied', count: p.replied },
  ];
  const reasons = [
    ...Object.entries(p.refused_by_reason).map(([reason, count]) => ({ reason, refused: count, failed: 0 })),
    ...Object.entries(p.failed_by_reason).map(([reason, count]) => ({ reason, refused: 0, failed: count })),
  ];
  const money = (v: number) => `${r.cost.currency} ${v.toFixed(4)}`;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={3}>{c.name}</Title>
          <Badge data-testid="campaign-state">{c.state}</Badge>
          {c.scheduled_at && (
            <Text size="sm" c="dimmed" data-testid="campaign-schedule">
              scheduled {scheduledAt(c.scheduled_at, c.time_zone)}
            </Text>
          )}
        </Group>
        {me.can.manage_campaigns && (
          <Group>
            {(c.state === 'running' || c.state === 'scheduled') && (
              <Button variant="default" onClick={() => action.mutate({ id, action: 'pause' })}>
                Pause
              </Button>
            )}
            {c.state === 'paused' && (
              <Button onClick={() => action.mutate({ id, action: 'resume' })}>Resume</Button>
            )}
            {!['completed', 'cancelled'].includes(c.state) && (
              <Button color="red" variant="light" onClick={() => action.mutate({ id, action: 'cancel' })}>
                Cancel
              </Button>
            )}
          </Group>
        )}
      </Group>
      <SimpleGrid cols={{ base: 3, md: 6 }}>
        <Stat label="Queued" value={p.queued + p.pending} />
        <Stat label="Sent" value={p.sent} />
        <Stat label="Delivered" value={p.delivered} />
        <Stat label="Read" value={p.read} />
        <Stat label="Failed" value={p.failed} />
        <Stat label="Refused" value={p.refused} />
        <Stat label="Replied" value={p.replied} />
        <Stat label="Opted out after" value={p.opted_out_after} />
        <Stat label="Button taps" value={p.button_taps} />
        <Stat label="Estimated cost" value={money(c.estimate?.total ?? 0)} />
        <Stat label="Actual cost" value={money(r.cost.actual)} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Text fw={600} mb="xs">
            Funnel
          </Text>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={funnel}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="stage" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="count" fill="#12b886" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Card>
        <Card withBorder data-testid="not-delivered">
          <Text fw={600} mb="xs">
            Not delivered, by reason
          </Text>
          {reasons.length === 0 ? (
            <Text size="sm" c="dimmed">
              None
            </Text>
          ) : (
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={reasons} layout="vertical">
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="reason" width={190} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Legend />
                <Bar dataKey="refused" stackId="a" fill="#fab005" isAnimationActive={false} />
                <Bar dataKey="failed" stackId="a" fill="#fa5252" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Cost by category
        </Text>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Category</Table.Th>
              <Table.Th>Messages</Table.Th>
              <Table.Th>Estimated</Table.Th>
              <Table.Th>Actual (from Meta's pricing)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.cost.by_category.map((b) => (
              <Table.Tr key={b.category}>
                <Table.Td>{b.category}</Table.Td>
                <Table.Td>{b.messages}</Table.Td>
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
