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
import type { Me } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { Link, navigate } from '../../shared/router.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { BusinessHoursSettings } from '../settings/BusinessHoursSettings.tsx';
import { RoutingSettings } from '../settings/RoutingSettings.tsx';
import { VipSettings } from '../settings/VipSettings.tsx';
import {
  type FlowDefinition,
  useFlow,
  useFlows,
  useKnowledge,
  useKnowledgeActions,
  useSaveFlow,
} from './automation.api.ts';
import { FlowEditor } from './FlowEditor.tsx';
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
  const flows = useFlows();
  const flow = useFlow(flowId ?? null);
  const save = useSaveFlow();
  const toasts = useToasts();
  const [name, setName] = useState('');
  if (flowId) {
    if (flow.isPending) return <Loader aria-label="Loading flow" />;
    if (flow.error) return <ErrorNotice error={flow.error} onRetry={() => flow.refetch()} />;
    return (
      <Stack gap="xs">
        <Link to="/automation/flows">← All flows</Link>
        <FlowEditor
          key={`${flow.data.id}:${flow.data.version}`}
          flow={{ ...flow.data, definition: flow.data.definition ?? NEW_FLOW }}
        />
      </Stack>
    );
  }
  if (flows.isPending) return <Loader aria-label="Loading flows" />;
  if (flows.error) return <ErrorNotice error={flows.error} onRetry={() => flows.refetch()} />;
  return (
    <Stack gap="sm">
      <Table highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Flow</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Status</Table.Th>
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
                    {f.enabled ? 'enabled' : 'disabled'}
                  </Badge>
                  {f.is_welcome && <Badge variant="light">welcome</Badge>}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {me.can.manage_flows && (
        <Group gap="xs">
          <TextInput
            aria-label="New flow name"
            placeholder="New flow name"
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
            New flow
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function KnowledgeTab({ me }: { me: Me }) {
  const kb = useKnowledge();
  const { create, remove } = useKnowledgeActions();
  const toasts = useToasts();
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [language, setLanguage] = useState<string | null>('en');
  if (kb.isPending) return <Loader aria-label="Loading knowledge base" />;
  if (kb.error) return <ErrorNotice error={kb.error} onRetry={() => kb.refetch()} />;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Flows answer from these entries (matched without regard to case or accents, in English, Spanish and
        Portuguese).
      </Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Question</Table.Th>
            <Table.Th>Answer</Table.Th>
            <Table.Th>Lang</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {kb.data.data.map((e) => (
            <Table.Tr key={e.id} data-testid="kb-row">
              <Table.Td>{e.question}</Table.Td>
              <Table.Td>{e.answer}</Table.Td>
              <Table.Td>{e.language ?? 'any'}</Table.Td>
              <Table.Td>
                {me.can.manage_flows && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => remove.mutate(e.id, { onError: toasts.showError })}
                  >
                    Delete
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
              label="Question"
              size="xs"
              value={question}
              onChange={(e) => setQuestion(e.currentTarget.value)}
            />
            <Textarea
              label="Answer"
              size="xs"
              value={answer}
              onChange={(e) => setAnswer(e.currentTarget.value)}
            />
            <Group gap="xs">
              <Select
                aria-label="Language"
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
                Add entry
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
  const current = tab ?? 'flows';
  return (
    <Stack p="md" gap="sm">
      <Title order={3}>Automation</Title>
      <Tabs value={current} onChange={(value) => value && navigate(`/automation/${value}`)}>
        <Tabs.List>
          <Tabs.Tab value="flows">Flows</Tabs.Tab>
          <Tabs.Tab value="knowledge">Knowledge base</Tabs.Tab>
          <Tabs.Tab value="rules">Rules</Tabs.Tab>
          <Tabs.Tab value="routing">Routing</Tabs.Tab>
          <Tabs.Tab value="business-hours">Business hours</Tabs.Tab>
          <Tabs.Tab value="vips">VIPs</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {current === 'flows' && <FlowsTab me={me} flowId={id} />}
      {current === 'knowledge' && <KnowledgeTab me={me} />}
      {current === 'rules' && <RulesTab me={me} />}
      {current === 'routing' && <RoutingSettings />}
      {current === 'business-hours' && <BusinessHoursSettings />}
      {current === 'vips' && <VipSettings />}
    </Stack>
  );
}
