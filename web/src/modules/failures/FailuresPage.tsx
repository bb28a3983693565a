import { Badge, Box, Group, Tabs, Text, Title } from '@mantine/core';
import { navigate } from '../../shared/router.tsx';
import { JobFailuresPanel, SubscriberFailuresPanel, WebhookFailuresPanel } from './FailurePanels.tsx';
import { useOpenFailureCounts } from './failures.api.ts';

const tabs = [
  { value: 'webhooks', label: 'Webhook processing' },
  { value: 'subscribers', label: 'Subscribers' },
  { value: 'jobs', label: 'Jobs' },
] as const;

type Tab = (typeof tabs)[number]['value'];

type FailuresPageProps = { tab: string | undefined };

/**
 * What the hub could not do on its own, in three kinds (webhook items it could not apply, events a
 * subscriber kept failing on, jobs that spent their attempts), each with a Retry. Live: the stream's
 * `failure.recorded` refreshes it.
 */
export function FailuresPage({ tab }: FailuresPageProps) {
  const current: Tab = tabs.find((t) => t.value === tab)?.value ?? 'webhooks';
  const counts = useOpenFailureCounts();
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Title order={3}>Failures</Title>
      <Text size="sm" c="dimmed" mb="sm" maw={820}>
        Work the hub tried and could not finish: nothing here is lost (the raw webhook, the event and the job
        are kept), but it stays undone until it is retried or its cause is fixed.
      </Text>
      <Tabs
        value={current}
        onChange={(value) => navigate(`/failures/${value ?? 'webhooks'}`)}
        keepMounted={false}
      >
        <Tabs.List style={{ flexWrap: 'wrap' }} aria-label="Kinds of failure">
          {tabs.map((t) => {
            const count = counts[t.value];
            return (
              <Tabs.Tab key={t.value} value={t.value}>
                <Group gap={6} wrap="nowrap">
                  {t.label}
                  <Badge
                    size="sm"
                    variant={count > 0 ? 'filled' : 'light'}
                    color={count > 0 ? 'red' : 'gray'}
                    aria-label={`${count} open`}
                    data-testid={`count-${t.value}`}
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
