import { Box, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
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
  { value: 'numbers', label: 'tabs.numbers' },
  { value: 'users', label: 'tabs.users' },
  { value: 'teams', label: 'tabs.teams' },
  { value: 'canned-replies', label: 'tabs.cannedReplies' },
  { value: 'tokens', label: 'tabs.tokens' },
  { value: 'routing', label: 'tabs.routing' },
  { value: 'business-hours', label: 'tabs.businessHours' },
  { value: 'vips', label: 'tabs.vips' },
] as const;

/** Admin settings: numbers and their coexistence health, users, teams, canned replies, API tokens, routing, business hours, VIPs. */
export function SettingsPage({ me, tab }: SettingsPageProps) {
  const { t } = useTranslation('settings');
  const current = tabs.some((item) => item.value === tab) ? (tab as string) : 'numbers';
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Title order={3} mb="sm">
        {t('title')}
      </Title>
      <Tabs
        value={current}
        onChange={(value) => navigate(`/settings/${value ?? 'numbers'}`)}
        keepMounted={false}
      >
        <Tabs.List style={{ flexWrap: 'wrap' }}>
          {tabs.map((item) => (
            <Tabs.Tab key={item.value} value={item.value}>
              {t(item.label)}
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
