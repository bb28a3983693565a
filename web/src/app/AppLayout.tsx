import { Badge, Box, Button, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Me } from '../api/types.ts';
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

/** The signed-in frame: a top bar with the sections this role may use, and the current screen. */
export function AppLayout({ me }: AppLayoutProps) {
  const { segments } = useLocation();
  const section = segments[0] ?? 'inbox';
  const logout = useLogout();
  const presence = useSetPresence();
  const toasts = useToasts();
  const realtime = useRealtimeEvents();

  const nav: NavItem[] = [
    { to: '/inbox', label: 'Inbox', section: 'inbox', visible: true },
    { to: '/supervisor', label: 'Supervisor', section: 'supervisor', visible: me.can.supervise },
    { to: '/reports', label: 'Reports', section: 'reports', visible: me.can.view_reports },
    { to: '/templates', label: 'Templates', section: 'templates', visible: true },
    { to: '/campaigns', label: 'Campaigns', section: 'campaigns', visible: me.can.supervise },
    { to: '/audiences', label: 'Audiences', section: 'audiences', visible: me.can.manage_campaigns },
    { to: '/unknown-sends', label: 'Unknown sends', section: 'unknown-sends', visible: me.can.resolve_sends },
    { to: '/failures', label: <FailuresNavLabel />, section: 'failures', visible: me.can.retry_failures },
    { to: '/webhooks', label: 'Webhooks', section: 'webhooks', visible: me.can.manage_integrations },
    { to: '/health', label: 'Sync health', section: 'health', visible: me.can.manage_numbers },
    { to: '/automation', label: 'Automation', section: 'automation', visible: me.can.supervise },
    { to: '/settings', label: 'Settings', section: 'settings', visible: me.can.administer },
    { to: '/audit', label: 'Archive', section: 'audit', visible: me.can.audit },
    {
      to: '/security-log',
      label: 'Security log',
      section: 'security-log',
      visible: me.can.read_security_log,
    },
    { to: '/account', label: 'Account', section: 'account', visible: true },
  ];

  return (
    <Box h="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Group
        component="header"
        h={48}
        px="md"
        justify="space-between"
        wrap="nowrap"
        style={{ borderBottom: '1px solid var(--mantine-color-default-border)', flexShrink: 0 }}
      >
        <Group
          gap="xs"
          wrap="nowrap"
          component="nav"
          aria-label="Sections"
          preventGrowOverflow={false}
          // On a phone an owner's four sections may not fit: they scroll rather than push the menu out.
          style={{ minWidth: 0, overflowX: 'auto', scrollbarWidth: 'none' }}
        >
          <Text fw={700} mr="sm" visibleFrom="xs">
            Coexist
          </Text>
          {nav
            .filter((item) => item.visible)
            .map((item) => (
              <Button
                key={item.to}
                component={Link}
                to={item.to}
                size="compact-sm"
                variant={section === item.section ? 'light' : 'subtle'}
                aria-current={section === item.section ? 'page' : undefined}
                style={{ flexShrink: 0 }}
              >
                {item.label}
              </Button>
            ))}
        </Group>
        <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
          <Badge
            variant="dot"
            color={realtime === 'open' ? 'teal' : 'gray'}
            title={realtime === 'open' ? 'Live updates on' : 'Reconnecting to live updates'}
            visibleFrom="sm"
          >
            {realtime === 'open' ? 'Live' : 'Offline'}
          </Badge>
          <Menu position="bottom-end">
            <Menu.Target>
              <UnstyledButton aria-label="Account menu" data-testid="account-menu">
                <Group gap={6} wrap="nowrap">
                  <Badge
                    size="xs"
                    circle
                    color={me.presence === 'away' ? 'yellow' : 'teal'}
                    aria-label={me.presence === 'away' ? 'Away' : 'Available'}
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
                {me.email} · {me.role}
              </Menu.Label>
              <Menu.Item
                disabled={me.presence === 'online'}
                onClick={() => presence.mutate('online', { onError: toasts.showError })}
              >
                Available
              </Menu.Item>
              <Menu.Item
                disabled={me.presence === 'away'}
                onClick={() => presence.mutate('away', { onError: toasts.showError })}
              >
                Away
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item onClick={() => logout.mutate()}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      <Box component="main" id="main" style={{ flex: 1, minHeight: 0 }}>
        <Screen me={me} section={section} segments={segments} />
      </Box>
    </Box>
  );
}
