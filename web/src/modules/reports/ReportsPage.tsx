import { Box, Group, Select, Stack, Switch, Tabs, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNumbers } from '../inbox/inbox.api.ts';
import { OverviewTab } from './OverviewTab.tsx';
import type { ReportFilters } from './reports.api.ts';
import { SettingsTab } from './SettingsTab.tsx';
import { CampaignsTab, CostsTab, CsatSlaTab, GroupedTab, HoursTab, RespondersTab } from './TablesTab.tsx';

const DAY = 86_400_000;
const ZONES = [
  'UTC',
  'America/Mexico_City',
  'America/Bogota',
  'America/Sao_Paulo',
  'America/New_York',
  'Europe/Madrid',
];

const dateOnly = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The analytics dashboard (docs/metrics.md): date range, time zone, number and business hours, then one tab per report. */
export function ReportsPage() {
  const { t } = useTranslation('reports');
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [from, setFrom] = useState(dateOnly(Date.now() - 29 * DAY));
  const [to, setTo] = useState(dateOnly(Date.now()));
  const [timeZone, setTimeZone] = useState<string>(browserZone || 'UTC');
  const [phoneNumberId, setPhoneNumberId] = useState<string | null>(null);
  const [businessHours, setBusinessHours] = useState(false);
  const numbers = useNumbers();
  const [tab, setTab] = useState<string | null>('overview');

  const filters: ReportFilters = {
    // Whole days of the chosen range; the server aligns to its 15-minute buckets.
    from: new Date(`${from}T00:00:00Z`).toISOString(),
    to: new Date(Date.parse(`${to}T00:00:00Z`) + DAY).toISOString(),
    timeZone,
    phoneNumberId,
    businessHours,
  };
  const zones = [...new Set([browserZone, ...ZONES].filter(Boolean))];

  return (
    <Box h="100%" style={{ overflow: 'auto' }}>
      <Stack p="md" gap="sm">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <Title order={3}>{t('title')}</Title>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              type="date"
              label={t('filters.from')}
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
            />
            <TextInput
              type="date"
              label={t('filters.to')}
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
            />
            <Select
              label={t('filters.timeZone')}
              data={zones}
              value={timeZone}
              onChange={(v) => setTimeZone(v ?? 'UTC')}
              w={200}
            />
            <Select
              label={t('filters.number')}
              placeholder={t('filters.allNumbers')}
              clearable
              data={(numbers.data ?? []).map((n) => ({ value: n.id, label: n.display_phone_number }))}
              value={phoneNumberId}
              onChange={setPhoneNumberId}
              w={200}
            />
            <Switch
              label={t('filters.businessHours')}
              checked={businessHours}
              onChange={(e) => setBusinessHours(e.currentTarget.checked)}
              mb={8}
            />
          </Group>
        </Group>
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List style={{ flexWrap: 'wrap' }}>
            <Tabs.Tab value="overview">{t('tabs.overview')}</Tabs.Tab>
            <Tabs.Tab value="agents">{t('tabs.agents')}</Tabs.Tab>
            <Tabs.Tab value="teams">{t('tabs.teams')}</Tabs.Tab>
            <Tabs.Tab value="numbers">{t('tabs.numbers')}</Tabs.Tab>
            <Tabs.Tab value="responders">{t('tabs.responders')}</Tabs.Tab>
            <Tabs.Tab value="hours">{t('tabs.hours')}</Tabs.Tab>
            <Tabs.Tab value="costs">{t('tabs.costs')}</Tabs.Tab>
            <Tabs.Tab value="csat">{t('tabs.csat')}</Tabs.Tab>
            <Tabs.Tab value="campaigns">{t('tabs.campaigns')}</Tabs.Tab>
            <Tabs.Tab value="settings">{t('tabs.settings')}</Tabs.Tab>
          </Tabs.List>
          <Box pt="md">
            <Tabs.Panel value="overview">
              <OverviewTab filters={filters} />
            </Tabs.Panel>
            <Tabs.Panel value="agents">
              <GroupedTab filters={filters} path="agents" noun={t('groups.agent')} />
            </Tabs.Panel>
            <Tabs.Panel value="teams">
              <GroupedTab filters={filters} path="teams" noun={t('groups.team')} />
            </Tabs.Panel>
            <Tabs.Panel value="numbers">
              <GroupedTab filters={filters} path="numbers" noun={t('groups.number')} />
            </Tabs.Panel>
            <Tabs.Panel value="responders">
              <RespondersTab filters={filters} />
            </Tabs.Panel>
            <Tabs.Panel value="hours">
              <HoursTab filters={filters} />
            </Tabs.Panel>
            <Tabs.Panel value="costs">
              <CostsTab filters={filters} />
            </Tabs.Panel>
            <Tabs.Panel value="csat">
              <CsatSlaTab filters={filters} />
            </Tabs.Panel>
            <Tabs.Panel value="campaigns">
              <CampaignsTab filters={filters} />
            </Tabs.Panel>
            <Tabs.Panel value="settings">
              <SettingsTab />
            </Tabs.Panel>
          </Box>
        </Tabs>
      </Stack>
    </Box>
  );
}
