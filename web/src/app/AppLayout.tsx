import { Badge, Box, Button, Group, Menu, Stack, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api/types.ts';
import { useUserLanguage } from '../i18n/useUserLanguage.ts';
import { AccountPage } from '../modules/account/AccountPage.tsx';
import { AudiencesPage } from '../modules/audiences/AudiencesPage.tsx';
import { AuditPage } from '../modules/audit/AuditPage.tsx';
import { useLogout, useSetPresence } from '../modules/auth/auth.api.ts';
import { AutomationPage } from '../modules/automation/AutomationPage.tsx';
import { CampaignsPage } from '../modules/campaigns/CampaignsPage.tsx';
import { FailuresNavLabel } from '../modules/failures/FailuresNavLabel.tsx';
import { FailuresPage } from '../modules/failures/FailuresPage.tsx';
import { InboxPage } from '../modules/inbox/InboxPage.tsx';
import { WebhooksPage } from '../modules/integrations/WebhooksPage.tsx';
import { OnboardingPage } from '../modules/onboarding/OnboardingPage.tsx';
import { MembersPage } from '../modules/organisations/MembersPage.tsx';
import { OrganisationSwitcher } from '../modules/organisations/OrganisationSwitcher.tsx';
import { OrganisationsPage } from '../modules/organisations/OrganisationsPage.tsx';
import { UnknownSendsPage } from '../modules/outbound/UnknownSendsPage.tsx';
import { useRealtimeEvents } from '../modules/realtime/useRealtimeEvents.ts';
import { ReportsPage } from '../modules/reports/ReportsPage.tsx';
import { SecurityLogPage } from '../modules/security/SecurityLogPage.tsx';
import { SettingsPage } from '../modules/settings/SettingsPage.tsx';
import { SupervisorPage } from '../modules/supervisor/SupervisorPage.tsx';
import { SyncHealthPage } from '../modules/sync-health/SyncHealthPage.tsx';
import { TemplatesPage } from '../modules/templates/TemplatesPage.tsx';
import { Forbidden } from '../shared/Forbidden.tsx';
import { Link, useLocation } from '../shared/router.tsx';
import { useToasts } from '../shared/toasts.tsx';

type AppLayoutProps = { me: Me };

type NavItem = { to: string; label: ReactNode; section: string; visible: boolean };

type NavGroup = { label: string; items: NavItem[] };

function Screen({ me, section, segments }: { me: Me; section: string; segments: string[] }) {
  if (section === 'supervisor') return me.can.supervise ? <SupervisorPage me={me} /> : <Forbidden />;
  if (section === 'reports') return me.can.view_reports ? <ReportsPage /> : <Forbidden />;
  if (section === 'connect-number') return me.can.manage_numbers ? <OnboardingPage /> : <Forbidden />;
  if (section === 'settings')
    return me.can.administer ? <SettingsPage tab={segments[1]} me={me} /> : <Forbidden />;
  if (section === 'automation')
    return me.can.supervise ? <AutomationPage me={me} tab={segments[1]} id={segments[2]} /> : <Forbidden />;
  if (section === 'templates') return <TemplatesPage me={me} />;
  if (section === 'campaigns') return <CampaignsPage me={me} id={segments[1]} />;
  if (section === 'audiences')
    return me.can.manage_campaigns ? <AudiencesPage me={me} tab={segments[1]} /> : <Forbidden />;
  if (section === 'account') return <AccountPage me={me} />;
  if (section === 'members') return me.can.administer ? <MembersPage me={me} /> : <Forbidden />;
  if (section === 'organisations')
    return me.can.administer_provider ? <OrganisationsPage me={me} /> : <Forbidden />;
  if (section === 'audit') return me.can.audit ? <AuditPage /> : <Forbidden />;
  if (section === 'security-log') return me.can.read_security_log ? <SecurityLogPage /> : <Forbidden />;
  if (section === 'failures')
    return me.can.retry_failures ? <FailuresPage tab={segments[1]} /> : <Forbidden />;
  if (section === 'unknown-sends') return me.can.resolve_sends ? <UnknownSendsPage /> : <Forbidden />;
  if (section === 'webhooks') return me.can.manage_integrations ? <WebhooksPage /> : <Forbidden />;
  if (section === 'health')
    return me.can.manage_numbers ? <SyncHealthPage phoneNumberId={segments[1]} me={me} /> : <Forbidden />;
  return <InboxPage me={me} conversationId={section === 'inbox' ? segments[1] : undefined} />;
}

function navGroups(me: Me, t: TFunction<'app'>): NavGroup[] {
  const groups: NavGroup[] = [
    {
      label: t('groups.conversations'),
      items: [
        { to: '/inbox', label: t('nav.inbox'), section: 'inbox', visible: true },
        { to: '/supervisor', label: t('nav.supervisor'), section: 'supervisor', visible: me.can.supervise },
        { to: '/reports', label: t('nav.reports'), section: 'reports', visible: me.can.view_reports },
      ],
    },
    {
      label: t('groups.outreach'),
      items: [
        { to: '/templates', label: t('nav.templates'), section: 'templates', visible: true },
        { to: '/campaigns', label: t('nav.campaigns'), section: 'campaigns', visible: me.can.supervise },
        {
          to: '/audiences',
          label: t('nav.audiences'),
          section: 'audiences',
          visible: me.can.manage_campaigns,
        },
        { to: '/automation', label: t('nav.automation'), section: 'automation', visible: me.can.supervise },
      ],
    },
    {
      label: t('groups.operations'),
      items: [
        {
          to: '/unknown-sends',
          label: t('nav.unknownSends'),
          section: 'unknown-sends',
          visible: me.can.resolve_sends,
        },
        { to: '/failures', label: <FailuresNavLabel />, section: 'failures', visible: me.can.retry_failures },
        { to: '/health', label: t('nav.health'), section: 'health', visible: me.can.manage_numbers },
        {
          to: '/webhooks',
          label: t('nav.webhooks'),
          section: 'webhooks',
          visible: me.can.manage_integrations,
        },
      ],
    },
    {
      label: t('groups.administration'),
      items: [
        { to: '/settings', label: t('nav.settings'), section: 'settings', visible: me.can.administer },
        {
          to: '/members',
          label: t('organisations:nav.members'),
          section: 'members',
          visible: me.can.administer,
        },
        {
          to: '/organisations',
          label: t('organisations:nav.organisations'),
          section: 'organisations',
          visible: me.can.administer_provider,
        },
        { to: '/audit', label: t('nav.audit'), section: 'audit', visible: me.can.audit },
        {
          to: '/security-log',
          label: t('nav.securityLog'),
          section: 'security-log',
          visible: me.can.read_security_log,
        },
        { to: '/account', label: t('nav.account'), section: 'account', visible: true },
      ],
    },
  ];
  return groups
    .map((group) => ({ ...group, items: group.items.filter((item) => item.visible) }))
    .filter((group) => group.items.length > 0);
}

type SectionsProps = { groups: NavGroup[]; current: string };

/** Wide screens: the sections down a side bar, in labelled groups, so every language fits. */
function SideNav({ groups, current }: SectionsProps) {
  const { t } = useTranslation('app');
  return (
    <Box
      component="nav"
      aria-label={t('sections')}
      w={196}
      px="xs"
      py="sm"
      style={{
        flexShrink: 0,
        overflowY: 'auto',
        borderRight: '1px solid var(--mantine-color-default-border)',
      }}
    >
      <Stack gap="md">
        {groups.map((group) => (
          <Stack key={group.label} gap={2} role="group" aria-label={group.label}>
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="xs" aria-hidden>
              {group.label}
            </Text>
            {group.items.map((item) => (
              <Button
                key={item.to}
                component={Link}
                to={item.to}
                size="compact-sm"
                justify="flex-start"
                fullWidth
                // A long section name (Spanish, Portuguese) wraps rather than being cut.
                styles={{
                  root: { height: 'auto', minHeight: 26, paddingBlock: 3 },
                  label: { whiteSpace: 'normal', textAlign: 'start' },
                }}
                variant={current === item.section ? 'filled' : 'subtle'}
                aria-current={current === item.section ? 'page' : undefined}
              >
                {item.label}
              </Button>
            ))}
          </Stack>
        ))}
      </Stack>
    </Box>
  );
}

/** Narrow screens: the sections in one row of the top bar that scrolls rather than pushing the menu out. */
function TopNav({ groups, current }: SectionsProps) {
  const { t } = useTranslation('app');
  return (
    <Group
      gap="xs"
      wrap="nowrap"
      component="nav"
      aria-label={t('sections')}
      preventGrowOverflow={false}
      style={{ minWidth: 0, overflowX: 'auto', scrollbarWidth: 'none' }}
    >
      {groups
        .flatMap((group) => group.items)
        .map((item) => (
          <Button
            key={item.to}
            component={Link}
            to={item.to}
            size="compact-sm"
            variant={current === item.section ? 'filled' : 'subtle'}
            aria-current={current === item.section ? 'page' : undefined}
            style={{ flexShrink: 0 }}
          >
            {item.label}
          </Button>
        ))}
    </Group>
  );
}

/** The signed-in frame: a top bar, the sections this role may use, and the current screen. */
export function AppLayout({ me }: AppLayoutProps) {
  const { t } = useTranslation('app');
  const { segments } = useLocation();
  const section = segments[0] ?? 'inbox';
  const logout = useLogout();
  const presence = useSetPresence();
  const toasts = useToasts();
  const realtime = useRealtimeEvents();
  const wide = useMediaQuery('(min-width: 62em)', true, { getInitialValueInEffect: false });
  useUserLanguage(me.language);
  const groups = navGroups(me, t);

  return (
    <Box h="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
      <a className="skip-link" href="#main">
        {t('skip')}
      </a>
      <Group
        component="header"
        h={48}
        px="md"
        justify="space-between"
        wrap="nowrap"
        style={{ borderBottom: '1px solid var(--mantine-color-default-border)', flexShrink: 0 }}
      >
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }} preventGrowOverflow={false}>
          <Text fw={700} mr="sm" visibleFrom="xs">
            Coexist
          </Text>
          {!wide && <TopNav groups={groups} current={section} />}
        </Group>
        <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
          <OrganisationSwitcher />
          <Badge
            variant="dot"
            color={realtime === 'open' ? 'teal' : 'gray'}
            title={realtime === 'open' ? t('liveOn') : t('reconnecting')}
            visibleFrom="sm"
          >
            {realtime === 'open' ? t('live') : t('offline')}
          </Badge>
          <Menu position="bottom-end">
            <Menu.Target>
              <UnstyledButton aria-label={t('accountMenu')} data-testid="account-menu">
                <Group gap={6} wrap="nowrap">
                  <Badge
                    size="xs"
                    circle
                    color={me.presence === 'away' ? 'yellow' : 'teal'}
                    aria-label={me.presence === 'away' ? t('away') : t('available')}
                  >
                    {' '}
                  </Badge>
                  <Text size="sm" fw={500} truncate maw={{ base: 110, sm: 240 }}>
                    {me.name}
                  </Text>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>
                {me.email} · {t(`common:roles.${me.role}`)}
              </Menu.Label>
              <Menu.Item
                disabled={me.presence === 'online'}
                onClick={() => presence.mutate('online', { onError: toasts.showError })}
              >
                {t('available')}
              </Menu.Item>
              <Menu.Item
                disabled={me.presence === 'away'}
                onClick={() => presence.mutate('away', { onError: toasts.showError })}
              >
                {t('away')}
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item component={Link} to="/account">
                {t('nav.account')}
              </Menu.Item>
              <Menu.Item onClick={() => logout.mutate()}>{t('signOut')}</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      <Box style={{ flex: 1, minHeight: 0, display: 'flex' }}>
        {wide && <SideNav groups={groups} current={section} />}
        <Box component="main" id="main" style={{ flex: 1, minWidth: 0, minHeight: 0 }}>
          <Screen me={me} section={section} segments={segments} />
        </Box>
      </Box>
    </Box>
  );
}
