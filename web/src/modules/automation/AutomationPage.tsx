import {
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { Link, navigate } from '../../shared/router.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { BusinessHoursSettings } from '../settings/BusinessHoursSettings.tsx';
import { RoutingSettings } from '../settings/RoutingSettings.tsx';
import { VipSettings } from '../settings/VipSettings.tsx';
import { AiSettings } from './AiSettings.tsx';
import {
  type FlowDefinition,
  useFlow,
  useFlows,
  useKnowledge,
  useKnowledgeActions,
  useSaveFlow,
} from './automation.api.ts';
import { FlowEditor } from './FlowEditor.tsx';
import { HandoffSettings } from './HandoffSettings.tsx';
import { RulesTab } from './RulesTab.tsx';

const NEW_FLOW: FlowDefinition = {
  start: 'hello',
  steps: [
    {
      id: 'hello',
      type: 'message',
      content: { type: 'text', text: { body: 'Hello! How can we help?' } },
      position: { x: 0, y: 0 },
    },
  ],
};

function FlowsTab({ me, flowId }: { me: Me; flowId: string | undefined }) {
  const { t } = useTranslation('automation');
  const flows = useFlows();
  const flow = useFlow(flowId ?? null);
  const save = useSaveFlow();
  const toasts = useToasts();
  const [name, setName] = useState('');
  if (flowId) {
    if (flow.isPending) return <Loader aria-label={t('page.loadingFlow')} />;
    if (flow.error) return <ErrorNotice error={flow.error} onRetry={() => flow.refetch()} />;
    return (
      <Stack gap="xs">
        <Link to="/automation/flows">← {t('page.allFlows')}</Link>
        <FlowEditor
          key={`${flow.data.id}:${flow.data.version}`}
          flow={{ ...flow.data, definition: flow.data.definition ?? NEW_FLOW }}
        />
      </Stack>
    );
  }
  if (flows.isPending) return <Loader aria-label={t('page.loadingFlows')} />;
  if (flows.error) return <ErrorNotice error={flows.error} onRetry={() => flows.refetch()} />;
  return (
    <Stack gap="sm">
      <Table highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('page.flow')}</Table.Th>
            <Table.Th>{t('page.version')}</Table.Th>
            <Table.Th>{t('page.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {flows.data.data.map((f) => (
            <Table.Tr key={f.id} data-testid="flow-row">
              <Table.Td>
                <Link to={`/automation/flows/${f.id}`}>{f.name}</Link>
                <Text size="xs" c="dimmed">
                  {f.description}
                </Text>
              </Table.Td>
              <Table.Td>v{f.version}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Badge variant="light" color={f.enabled ? 'teal' : 'gray'}>
                    {f.enabled ? t('page.enabled') : t('page.disabled')}
                  </Badge>
                  {f.is_welcome && <Badge variant="light">{t('page.welcome')}</Badge>}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {me.can.manage_flows && (
        <Group gap="xs">
          <TextInput
            aria-label={t('page.newFlowName')}
            placeholder={t('page.newFlowName')}
            size="xs"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Button
            size="compact-sm"
            disabled={!name.trim()}
            loading={save.isPending}
            onClick={() =>
              save.mutate(
                { body: { name: name.trim(), definition: NEW_FLOW, enabled: false } },
                { onSuccess: (f) => navigate(`/automation/flows/${f.id}`), onError: toasts.showError },
              )
            }
          >
            {t('page.newFlow')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function KnowledgeTab({ me }: { me: Me }) {
  const { t } = useTranslation('automation');
  const kb = useKnowledge();
  const { create, remove } = useKnowledgeActions();
  const toasts = useToasts();
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [language, setLanguage] = useState<string | null>('en');
  if (kb.isPending) return <Loader aria-label={t('page.loadingKnowledge')} />;
  if (kb.error) return <ErrorNotice error={kb.error} onRetry={() => kb.refetch()} />;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('page.knowledgeIntro')}
      </Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('page.question')}</Table.Th>
            <Table.Th>{t('page.answer')}</Table.Th>
            <Table.Th>{t('page.lang')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {kb.data.data.map((e) => (
            <Table.Tr key={e.id} data-testid="kb-row">
              <Table.Td>{e.question}</Table.Td>
              <Table.Td>{e.answer}</Table.Td>
              <Table.Td>{e.language ?? t('page.anyLanguage')}</Table.Td>
              <Table.Td>
                {me.can.manage_flows && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => remove.mutate(e.id, { onError: toasts.showError })}
                  >
                    {t('common:actions.delete')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {me.can.manage_flows && (
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <TextInput
              label={t('page.question')}
              size="xs"
              value={question}
              onChange={(e) => setQuestion(e.currentTarget.value)}
            />
            <Textarea
              label={t('page.answer')}
              size="xs"
              value={answer}
              onChange={(e) => setAnswer(e.currentTarget.value)}
            />
            <Group gap="xs">
              <Select
                aria-label={t('common:language.label')}
                size="xs"
                data={['en', 'es', 'pt']}
                value={language}
                onChange={setLanguage}
                clearable
                w={100}
              />
              <Button
                size="compact-sm"
                disabled={!question.trim() || !answer.trim()}
                onClick={() =>
                  create.mutate(
                    { question, answer, keywords: '', language, phone_number_id: null },
                    {
                      onSuccess: () => {
                        setQuestion('');
                        setAnswer('');
                      },
                      onError: toasts.showError,
                    },
                  )
                }
              >
                {t('page.addEntry')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

/**
 * Automation settings: flows (with the visual editor and test panel), the knowledge base, rules, and
 * for supervisors (who do not see Settings) the routing, business hours and VIP pages.
 */
export function AutomationPage({ me, tab, id }: { me: Me; tab: string | undefined; id: string | undefined }) {
  const { t } = useTranslation('automation');
  const current = tab ?? 'flows';
  return (
    <Stack p="md" gap="sm">
      <Title order={3}>{t('page.title')}</Title>
      <Tabs value={current} onChange={(value) => value && navigate(`/automation/${value}`)}>
        <Tabs.List>
          <Tabs.Tab value="flows">{t('page.tabs.flows')}</Tabs.Tab>
          <Tabs.Tab value="knowledge">{t('page.tabs.knowledge')}</Tabs.Tab>
          <Tabs.Tab value="rules">{t('page.tabs.rules')}</Tabs.Tab>
          <Tabs.Tab value="routing">{t('page.tabs.routing')}</Tabs.Tab>
          <Tabs.Tab value="business-hours">{t('page.tabs.businessHours')}</Tabs.Tab>
          <Tabs.Tab value="vips">{t('page.tabs.vips')}</Tabs.Tab>
          <Tabs.Tab value="handoff">{t('page.tabs.handoff')}</Tabs.Tab>
          {me.can.manage_ai && <Tabs.Tab value="ai">{t('page.tabs.ai')}</Tabs.Tab>}
        </Tabs.List>
      </Tabs>
      {current === 'flows' && <FlowsTab me={me} flowId={id} />}
      {current === 'knowledge' && <KnowledgeTab me={me} />}
      {current === 'rules' && <RulesTab me={me} />}
      {current === 'routing' && <RoutingSettings />}
      {current === 'business-hours' && <BusinessHoursSettings />}
      {current === 'vips' && <VipSettings />}
      {current === 'handoff' && <HandoffSettings canWrite={me.can.manage_automation} />}
      {current === 'ai' && me.can.manage_ai && <AiSettings />}
    </Stack>
  );
}
