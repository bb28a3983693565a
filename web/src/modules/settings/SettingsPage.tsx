import { Box, Tabs, Title } from '@mantine/core';
import type { Me } from '../../api/types.ts';
import { navigate } from '../../shared/router.tsx';
import { BusinessHoursSettings } from './BusinessHoursSettings.tsx';
import { CannedRepliesSettings } from './CannedRepliesSettings.tsx';
import { NumbersSettings } from './NumbersSettings.tsx';
import { RoutingSettings } from './RoutingSettings.tsx';
import { TeamsSettings } from './TeamsSettings.tsx';
import { TokensSettings } from './TokensSettings.tsx';
import { UsersSettings } from './UsersSettings.tsx';
import { VipSettings } from './VipSettings.tsx';

type SettingsPageProps = { me: Me; tab: string | undefined };

const tabs = [
  { value: 'numbers', label: 'Numbers' },
  { value: 'users', label: 'Users' },
  { value: 'teams', label: 'Teams' },
  { value: 'canned-replies', label: 'Canned replies' },
  { value: 'tokens', label: 'API tokens' },
  { value: 'routing', label: 'Routing' },
  { value: 'business-hours', label: 'Business hours' },
  { value: 'vips', label: 'VIPs' },
] as const;

/** Admin settings: numbers and their coexistence health, users, teams, canned replies, API tokens, routing, business hours, VIPs. */
export function SettingsPage({ me, tab }: SettingsPageProps) {
  const current = tabs.some((t) => t.value === tab) ? (tab as string) : 'numbers';
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Title order={3} mb="sm">
        Settings
      </Title>
      <Tabs
        value={current}
        onChange={(value) => navigate(`/settings/${value ?? 'numbers'}`)}
        keepMounted={false}
      >
        <Tabs.List style={{ flexWrap: 'wrap' }}>
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="numbers" pt="md">
          <NumbersSettings />
        </Tabs.Panel>
        <Tabs.Panel value="users" pt="md">
          <UsersSettings me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="teams" pt="md">
          <TeamsSettings />
        </Tabs.Panel>
        <Tabs.Panel value="canned-replies" pt="md">
          <CannedRepliesSettings />
        </Tabs.Panel>
        <Tabs.Panel value="tokens" pt="md">
          <TokensSettings />
        </Tabs.Panel>
        <Tabs.Panel value="routing" pt="md">
          <RoutingSettings />
        </Tabs.Panel>
        <Tabs.Panel value="business-hours" pt="md">
          <BusinessHoursSettings />
        </Tabs.Panel>
        <Tabs.Panel value="vips" pt="md">
          <VipSettings />
        </Tabs.Panel>
      </Tabs>
    </Box>
  );
}
