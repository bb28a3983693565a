import { Badge, Box, Group, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../shared/router.tsx';
import { JobFailuresPanel, SubscriberFailuresPanel, WebhookFailuresPanel } from './FailurePanels.tsx';
import { useOpenFailureCounts } from './failures.api.ts';

const tabs = [
  { value: 'webhooks', label: 'tabs.webhooks' },
  { value: 'subscribers', label: 'tabs.subscribers' },
  { value: 'jobs', label: 'tabs.jobs' },
] as const;

type Tab = (typeof tabs)[number]['value'];

type FailuresPageProps = { tab: string | undefined };

/**
 * What the hub could not do on its own, in three kinds (webhook items it could not apply, events a
 * subscriber kept failing on, jobs that spent their attempts), each with a Retry. Live: the stream's
 * `failure.recorded` refreshes it.
 */
export function FailuresPage({ tab }: FailuresPageProps) {
  const { t } = useTranslation('failures');
  const current: Tab = tabs.find((item) => item.value === tab)?.value ?? 'webhooks';
  const counts = useOpenFailureCounts();
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Title order={3}>{t('app:nav.failures')}</Title>
      <Text size="sm" c="dimmed" mb="sm" maw={820}>
        {t('intro')}
      </Text>
      <Tabs
        value={current}
        onChange={(value) => navigate(`/failures/${value ?? 'webhooks'}`)}
        keepMounted={false}
      >
        <Tabs.List style={{ flexWrap: 'wrap' }} aria-label={t('kinds')}>
          {tabs.map((item) => {
            const count = counts[item.value];
            return (
              <Tabs.Tab key={item.value} value={item.value}>
                <Group gap={6} wrap="nowrap">
                  {t(item.label)}
                  <Badge
                    size="sm"
                    variant={count > 0 ? 'filled' : 'light'}
                    color={count > 0 ? 'red' : 'gray'}
                    aria-label={t('openCount', { count, shown: String(count) })}
                    data-testid={`count-${item.value}`}
                  >
                    {count}
                  </Badge>
                </Group>
              </Tabs.Tab>
            );
          })}
        </Tabs.List>
        <Tabs.Panel value="webhooks" pt="md">
          <WebhookFailuresPanel />
        </Tabs.Panel>
        <Tabs.Panel value="subscribers" pt="md">
          <SubscriberFailuresPanel />
        </Tabs.Panel>
        <Tabs.Panel value="jobs" pt="md">
          <JobFailuresPanel />
        </Tabs.Panel>
      </Tabs>
    </Box>
  );
}
