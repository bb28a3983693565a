import '@xyflow/react/dist/style.css';
import {
  Alert,
  Badge,
  Box,
  Button,
  Group,
  Menu,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import {
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  Handle,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
} from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { type Flow, type FlowDefinition, type FlowStep, useSaveFlow } from './automation.api.ts';
import {
  connect,
  disconnect,
  NEW_STEPS,
  renameStep,
  type StepNodeData,
  stepSummary,
  toGraph,
} from './flow-graph.ts';
import { StepForm } from './StepForm.tsx';
import { TestPanel } from './TestPanel.tsx';

const COLORS: Record<string, string> = {
  message: 'blue',
  ask: 'grape',
  branch: 'yellow',
  faq: 'teal',
  http: 'cyan',
  ai: 'pink',
  handoff: 'orange',
  end: 'gray',
};

function StepNode({ data, selected }: NodeProps<Node<StepNodeData>>) {
  const { step, start } = data;
  const { t } = useTranslation('automation');
  return (
    <Paper
      withBorder
      shadow={selected ? 'md' : 'xs'}
      p={8}
      w={220}
      data-testid="flow-node"
      data-step={step.id}
      style={{ borderColor: selected ? 'var(--mantine-color-blue-5)' : undefined }}
    >
      <Handle type="target" position={Position.Top} />
      <Group gap={4} wrap="nowrap">
        <Badge size="xs" color={COLORS[step.type]}>
          {t(`editor.stepTypes.${step.type}`, { defaultValue: step.type })}
        </Badge>
        <Text size="xs" fw={600} truncate>
          {step.id}
        </Text>
        {start && (
          <Badge size="xs" variant="outline">
            {t('editor.start')}
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed" lineClamp={2} mt={4}>
        {stepSummary(step, t)}
      </Text>
      <Handle type="source" position={Position.Bottom} />
    </Paper>
  );
}

const nodeTypes = { step: StepNode };

/**
 * The visual flow editor (React Flow): steps as nodes, exits as edges (drag from a step's bottom
 * handle to another to connect, select an edge and press Delete to cut it), the selected step's
 * settings as a form (or JSON, for contents the form does not cover), and Save, which publishes a
 * new version. The test panel chats with the
 * unsaved definition through the dry run.
 */
export function FlowEditor({
  flow,
  onSaved,
}: {
  flow: Flow & { definition: FlowDefinition };
  onSaved?: (f: Flow) => void;
}) {
  const [definition, setDefinition] = useState<FlowDefinition>(flow.definition);
  const [name, setName] = useState(flow.name);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [idDraft, setIdDraft] = useState('');
  const { t } = useTranslation('automation');
  const save = useSaveFlow();
  const toasts = useToasts();
  const graph = useMemo(() => toGraph(definition, t), [definition, t]);
  const [nodes, setNodes] = useState(graph.nodes);
  useEffect(() => setNodes(graph.nodes), [graph.nodes]);
  const step = definition.steps.find((s) => s.id === selected) ?? null;
  useEffect(() => {
    setDraft(step ? JSON.stringify({ ...step, position: undefined }, null, 2) : '');
    setIdDraft(step?.id ?? '');
    setDraftError(null);
  }, [step]);

  const updateStep = (edited: FlowStep) => {
    if (!step) return;
    setDefinition((d) => ({
      ...d,
      steps: d.steps.map((s) => (s.id === step.id ? ({ ...edited, position: s.position } as FlowStep) : s)),
    }));
  };

  const applyRename = () => {
    const to = idDraft.trim();
    if (!step || to === step.id) return;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(to) || definition.steps.some((s) => s.id === to)) {
      setDraftError(t('editor.badStepId', { id: to }));
      return;
    }
    setDefinition((d) => renameStep(d, step.id, to));
    setSelected(to);
  };

  const onNodesChange = (changes: NodeChange<Node<StepNodeData>>[]) => {
    setNodes((current) => applyNodeChanges(changes, current));
    for (const change of changes) {
      if (change.type === 'position' && change.position && !change.dragging) {
        const { x, y } = change.position;
        setDefinition((d) => ({
          ...d,
          steps: d.steps.map((s) =>
            s.id === change.id ? { ...s, position: { x: Math.round(x), y: Math.round(y) } } : s,
          ),
        }));
      }
    }
  };

  const addStep = (type: string) => {
    let n = definition.steps.length + 1;
    while (definition.steps.some((s) => s.id === `${type}_${n}`)) n++;
    const id = `${type}_${n}`;
    const created = NEW_STEPS[type]!(id, t);
    const last = definition.steps.at(-1);
    setDefinition((d) => ({
      ...d,
      steps: [
        ...d.steps,
        {
          ...created,
          position: { x: (last?.position?.x ?? 0) + 40, y: (last?.position?.y ?? 0) + 160 },
        } as FlowStep,
      ],
    }));
    setSelected(id);
  };

  const applyDraft = () => {
    try {
      const parsed = JSON.parse(draft) as FlowStep;
      if (!step) return;
      setDefinition((d) => ({
        ...d,
        start: d.start === step.id ? parsed.id : d.start,
        steps: d.steps.map((s) => (s.id === step.id ? ({ ...parsed, position: s.position } as FlowStep) : s)),
      }));
      setSelected(parsed.id);
      setDraftError(null);
    } catch (error) {
      setDraftError((error as Error).message);
    }
  };

  const removeStep = () => {
    if (!step || step.id === definition.start) return;
    setDefinition((d) => ({ ...d, steps: d.steps.filter((s) => s.id !== step.id) }));
    setSelected(null);
  };

  const handleSave = () =>
    save.mutate(
      { id: flow.id, body: { name, definition } },
      {
        onSuccess: (saved) => {
          toasts.showSuccess(t('editor.published', { version: saved.version }));
          onSaved?.(saved);
        },
        onError: toasts.showError,
      },
    );

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Group gap="xs">
          <TextInput
            aria-label={t('editor.flowName')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            size="xs"
          />
          <Badge variant="light" data-testid="flow-version">
            v{flow.version}
          </Badge>
        </Group>
        <Group gap="xs">
          <Menu>
            <Menu.Target>
              <Button size="compact-sm" variant="light">
                {t('editor.addStep')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {Object.keys(NEW_STEPS).map((type) => (
                <Menu.Item key={type} onClick={() => addStep(type)}>
                  {t(`editor.stepTypes.${type}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Button size="compact-sm" onClick={handleSave} loading={save.isPending}>
            {t('editor.publish')}
          </Button>
        </Group>
      </Group>
      {save.error && (
        <Alert color="red" title={t('editor.notSaved')}>
          {errorMessage(save.error)}
        </Alert>
      )}
      <Group align="stretch" gap="sm" wrap="nowrap">
        <Box
          style={{
            flex: 2,
            height: 560,
            border: '1px solid var(--mantine-color-default-border)',
            borderRadius: 8,
          }}
        >
          <ReactFlow
            key={definition.steps.length}
            nodes={nodes}
            edges={graph.edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onNodeClick={(_, node) => setSelected(node.id)}
            onConnect={(c: Connection) =>
              c.source && c.target && setDefinition((d) => connect(d, c.source, c.target))
            }
            onEdgesDelete={(edges) =>
              setDefinition((d) => edges.reduce((acc, e) => disconnect(acc, e.id), d))
            }
            fitView
            fitViewOptions={{ maxZoom: 1 }}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </Box>
        <Stack style={{ flex: 1, minWidth: 280 }} gap="sm">
          <Paper withBorder p="sm">
            {step ? (
              <Stack gap="xs">
                <Group justify="space-between">
                  <Text fw={600} size="sm">
                    {t('editor.step', { id: step.id })}
                  </Text>
                  <Group gap={4}>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => setDefinition((d) => ({ ...d, start: step.id }))}
                      disabled={definition.start === step.id}
                    >
                      {t('editor.makeStart')}
                    </Button>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={removeStep}
                      disabled={definition.start === step.id}
                    >
                      {t('common:actions.delete')}
                    </Button>
                  </Group>
                </Group>
                <SegmentedControl
                  size="xs"
                  aria-label={t('editor.editAs')}
                  data={[
                    { value: 'form', label: t('editor.form') },
                    { value: 'json', label: 'JSON' },
                  ]}
                  value={mode}
                  onChange={(v) => setMode(v as 'form' | 'json')}
                />
                {mode === 'form' ? (
                  <Stack gap="xs" data-testid="step-form">
                    <TextInput
                      size="xs"
                      label={t('editor.stepId')}
                      value={idDraft}
                      onChange={(e) => setIdDraft(e.currentTarget.value)}
                      onBlur={applyRename}
                      onKeyDown={(e) => e.key === 'Enter' && applyRename()}
                    />
                    <StepForm
                      key={step.id}
                      step={step}
                      stepIds={definition.steps.map((s) => s.id)}
                      onChange={updateStep}
                    />
                  </Stack>
                ) : (
                  <>
                    <Textarea
                      aria-label={t('editor.stepSettings')}
                      value={draft}
                      onChange={(e) => setDraft(e.currentTarget.value)}
                      autosize
                      minRows={8}
                      maxRows={18}
                      styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
                    />
                    <Button size="compact-sm" variant="light" onClick={applyDraft}>
                      {t('editor.apply')}
                    </Button>
                  </>
                )}
                {draftError && (
                  <Text size="xs" c="red">
                    {draftError}
                  </Text>
                )}
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                {t('editor.selectStep')}
              </Text>
            )}
          </Paper>
          <TestPanel definition={definition} phoneNumberId={flow.phone_number_id} />
        </Stack>
      </Group>
    </Stack>
  );
}
