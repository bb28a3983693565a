import {
  ActionIcon,
  Button,
  Group,
  NumberInput,
  Select,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useTeams } from '../inbox/inbox.api.ts';
import type { FlowStep } from './automation.api.ts';

/**
 * The settings of one flow step as a form, by step type. Targets (`next`, branch cases, found / not
 * found, error) are picked from the flow's other steps; "end" leaves the exit empty. A message or a
 * question is text, or text with up to three reply buttons; other contents (media, lists) keep the
 * JSON view of the editor.
 */

type Content = {
  type?: string;
  text?: { body?: string };
  interactive?: {
    type?: string;
    body?: { text?: string };
    action?: { buttons?: { type: 'reply'; reply: { id: string; title: string } }[] };
  };
};

type Button3 = { id: string; title: string };

const END = '';

/** Whether the form can edit this content (text, or reply buttons); otherwise JSON. */
export function formEditable(content: unknown): boolean {
  const c = content as Content;
  return c.type === 'text' || (c.type === 'interactive' && c.interactive?.type === 'button');
}

function contentBody(content: Content): string {
  return content.type === 'text' ? (content.text?.body ?? '') : (content.interactive?.body?.text ?? '');
}

function contentButtons(content: Content): Button3[] {
  return (content.interactive?.action?.buttons ?? []).map((b) => ({ id: b.reply.id, title: b.reply.title }));
}

function makeContent(body: string, buttons: Button3[]): Record<string, unknown> {
  if (buttons.length === 0) return { type: 'text', text: { body } };
  return {
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: body },
      action: { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
    },
  };
}

function slug(title: string, taken: string[]): string {
  const base =
    title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .slice(0, 40) || 'option';
  let id = base;
  let n = 2;
  while (taken.includes(id)) id = `${base}_${n++}`;
  return id;
}

/** A message as a form: text, or text with up to three reply buttons (other contents: a note to use JSON). */
export function ContentFields({
  label,
  content,
  onChange,
}: {
  label: string;
  content: unknown;
  onChange: (content: Record<string, unknown>) => void;
}) {
  const { t } = useTranslation('automation');
  const c = content as Content;
  if (!formEditable(content)) {
    return (
      <Text size="xs" c="dimmed">
        {t('step.otherContent', {
          label,
          kind:
            c.type === 'interactive'
              ? t('step.interactiveKind', { type: c.interactive?.type ?? '' })
              : t('step.contentKind', { type: c.type ?? '' }),
        })}
      </Text>
    );
  }
  const body = contentBody(c);
  const buttons = contentButtons(c);
  return (
    <Stack gap={6}>
      <Textarea
        label={label}
        autosize
        minRows={2}
        value={body}
        onChange={(e) => onChange(makeContent(e.currentTarget.value, buttons))}
      />
      {buttons.map((b, i) => (
        <Group key={b.id} gap={4} wrap="nowrap">
          <TextInput
            size="xs"
            aria-label={t('step.button', { n: i + 1 })}
            value={b.title}
            maxLength={20}
            onChange={(e) =>
              onChange(
                makeContent(
                  body,
                  buttons.map((x, j) => (j === i ? { ...x, title: e.currentTarget.value } : x)),
                ),
              )
            }
            style={{ flex: 1 }}
          />
          <Text size="xs" c="dimmed" w={90} truncate>
            id {b.id}
          </Text>
          <ActionIcon
            size="sm"
            variant="subtle"
            color="red"
            aria-label={t('step.removeButton', { n: i + 1 })}
            onClick={() =>
              onChange(
                makeContent(
                  body,
                  buttons.filter((_, j) => j !== i),
                ),
              )
            }
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      {buttons.length < 3 && (
        <Button
          size="compact-xs"
          variant="subtle"
          w="fit-content"
          onClick={() => {
            const title = t('step.optionN', { n: buttons.length + 1 });
            onChange(
              makeContent(body || ' ', [
                ...buttons,
                {
                  id: slug(
                    title,
                    buttons.map((b) => b.id),
                  ),
                  title,
                },
              ]),
            );
          }}
        >
          {t('step.addButton')}
        </Button>
      )}
    </Stack>
  );
}

function TargetSelect({
  label,
  value,
  stepIds,
  onChange,
}: {
  label: string;
  value: string | null | undefined;
  stepIds: string[];
  onChange: (target: string | null) => void;
}) {
  const { t } = useTranslation('automation');
  return (
    <Select
      size="xs"
      label={label}
      data={[{ value: END, label: t('step.endOfFlow') }, ...stepIds.map((id) => ({ value: id, label: id }))]}
      value={value ?? END}
      onChange={(v) => onChange(v ? v : null)}
    />
  );
}

function HandoffTeam({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { t } = useTranslation('automation');
  const teams = useTeams();
  return (
    <Select
      size="xs"
      label={t('step.handoffTeam')}
      placeholder={t('step.anyAgent')}
      clearable
      data={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))}
      value={value}
      onChange={onChange}
    />
  );
}

type StepFormProps = { step: FlowStep; stepIds: string[]; onChange: (step: FlowStep) => void };

/** The form of a step; `onChange` receives the edited step (its id is renamed elsewhere). */
export function StepForm({ step, stepIds, onChange }: StepFormProps) {
  const { t } = useTranslation('automation');
  const others = stepIds.filter((id) => id !== step.id);
  const set = (patch: Record<string, unknown>) => onChange({ ...step, ...patch } as FlowStep);
  switch (step.type) {
    case 'message':
      return (
        <Stack gap="xs">
          <ContentFields
            label={t('step.message')}
            content={step.content}
            onChange={(content) => set({ content })}
          />
          <TargetSelect
            label={t('step.then')}
            value={step.next}
            stepIds={others}
            onChange={(next) => set({ next })}
          />
        </Stack>
      );
    case 'ask':
      return (
        <Stack gap="xs">
          <ContentFields
            label={t('step.question')}
            content={step.prompt}
            onChange={(prompt) => set({ prompt })}
          />
          <Group gap="xs" grow>
            <TextInput
              size="xs"
              label={t('step.saveAnswerTo')}
              value={step.attribute}
              onChange={(e) => set({ attribute: e.currentTarget.value })}
            />
            <Select
              size="xs"
              label={t('step.answerMustBe')}
              data={(['text', 'number', 'email', 'phone', 'date', 'choice'] as const).map((kind) => ({
                value: kind,
                label: t(`step.validations.${kind}`),
              }))}
              value={step.validation}
              onChange={(validation) => validation && set({ validation })}
            />
          </Group>
          {step.validation === 'choice' && (
            <TagsInput
              size="xs"
              label={t('step.choices')}
              description={t('step.choicesHint')}
              value={step.choices ?? []}
              onChange={(choices) => set({ choices: choices.length ? choices : undefined })}
            />
          )}
          <TextInput
            size="xs"
            label={t('step.retryPrompt')}
            value={step.retry_prompt}
            onChange={(e) => set({ retry_prompt: e.currentTarget.value })}
          />
          <NumberInput
            size="xs"
            label={t('step.retries')}
            min={0}
            max={10}
            value={step.max_retries}
            onChange={(v) => set({ max_retries: Number(v) || 0 })}
          />
          <TargetSelect
            label={t('step.then')}
            value={step.next}
            stepIds={others}
            onChange={(next) => set({ next })}
          />
          <TargetSelect
            label={t('step.afterRetries')}
            value={step.on_invalid}
            stepIds={others}
            onChange={(on_invalid) => set({ on_invalid })}
          />
        </Stack>
      );
    case 'branch':
      return (
        <Stack gap="xs">
          <Group gap="xs" grow>
            <Select
              size="xs"
              label={t('step.compare')}
              data={[
                { value: 'answer', label: t('step.lastAnswer') },
                { value: 'attribute', label: t('step.contactAttribute') },
                { value: 'message', label: t('step.lastMessage') },
              ]}
              value={step.source}
              onChange={(source) => source && set({ source })}
            />
            {step.source === 'attribute' && (
              <TextInput
                size="xs"
                label={t('step.attribute')}
                value={step.attribute ?? ''}
                onChange={(e) => set({ attribute: e.currentTarget.value || undefined })}
              />
            )}
          </Group>
          {step.cases.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: cases are edited in place, by position
            <Group key={i} gap={4} align="flex-end" wrap="nowrap" data-testid="branch-case">
              <Select
                size="xs"
                aria-label={t('step.caseComparison', { n: i + 1 })}
                data={(['equals', 'contains', 'matches', 'exists', 'gt', 'lt'] as const).map((op) => ({
                  value: op,
                  label: t(`step.ops.${op}`),
                }))}
                value={c.op}
                onChange={(op) =>
                  op && set({ cases: step.cases.map((x, j) => (j === i ? { ...x, op } : x)) })
                }
                w={100}
              />
              <TextInput
                size="xs"
                aria-label={t('step.caseValue', { n: i + 1 })}
                value={c.value}
                onChange={(e) =>
                  set({
                    cases: step.cases.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)),
                  })
                }
                style={{ flex: 1 }}
              />
              <Select
                size="xs"
                aria-label={t('step.caseGoesTo', { n: i + 1 })}
                data={[
                  { value: END, label: t('step.end') },
                  ...others.map((id) => ({ value: id, label: id })),
                ]}
                value={c.next ?? END}
                onChange={(v) =>
                  set({ cases: step.cases.map((x, j) => (j === i ? { ...x, next: v || null } : x)) })
                }
                w={110}
              />
              <ActionIcon
                size="sm"
                variant="subtle"
                color="red"
                aria-label={t('step.removeCase', { n: i + 1 })}
                disabled={step.cases.length === 1}
                onClick={() => set({ cases: step.cases.filter((_, j) => j !== i) })}
              >
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Button
            size="compact-xs"
            variant="subtle"
            w="fit-content"
            onClick={() => set({ cases: [...step.cases, { op: 'equals', value: '', next: null }] })}
          >
            {t('step.addCase')}
          </Button>
          <TargetSelect
            label={t('step.otherwise')}
            value={step.default}
            stepIds={others}
            onChange={(v) => set({ default: v })}
          />
        </Stack>
      );
    case 'faq':
      return (
        <Stack gap="xs">
          <Select
            size="xs"
            label={t('step.lookUp')}
            data={[
              { value: 'message', label: t('step.customerLastMessage') },
              { value: 'answer', label: t('step.lastAnswer') },
              { value: 'text', label: t('step.fixedText') },
            ]}
            value={step.query}
            onChange={(query) => query && set({ query })}
          />
          {step.query === 'text' && (
            <TextInput
              size="xs"
              label={t('step.text')}
              value={step.text ?? ''}
              onChange={(e) => set({ text: e.currentTarget.value })}
            />
          )}
          <TextInput
            size="xs"
            label={t('step.beforeAnswer')}
            value={step.prefix}
            onChange={(e) => set({ prefix: e.currentTarget.value })}
          />
          <TargetSelect
            label={t('step.found')}
            value={step.found}
            stepIds={others}
            onChange={(found) => set({ found })}
          />
          <TargetSelect
            label={t('step.notFound')}
            value={step.not_found}
            stepIds={others}
            onChange={(not_found) => set({ not_found })}
          />
        </Stack>
      );
    case 'http':
      return (
        <Stack gap="xs">
          <Group gap={4} wrap="nowrap">
            <Select
              size="xs"
              aria-label={t('step.method')}
              data={['GET', 'POST', 'PUT', 'PATCH']}
              value={step.method}
              onChange={(method) => method && set({ method })}
              w={90}
            />
            <TextInput
              size="xs"
              aria-label="URL"
              value={step.url}
              onChange={(e) => set({ url: e.currentTarget.value })}
              style={{ flex: 1 }}
            />
          </Group>
          <NumberInput
            size="xs"
            label={t('step.timeout')}
            min={100}
            max={30_000}
            value={step.timeout_ms}
            onChange={(v) => set({ timeout_ms: Number(v) || 0 })}
          />
          <Textarea
            size="xs"
            label={t('step.mapResponse')}
            description={t('step.mapResponseHint')}
            autosize
            minRows={2}
            defaultValue={Object.entries(step.map)
              .map(([k, v]) => `${k} = ${v}`)
              .join('\n')}
            onBlur={(e) =>
              set({
                map: Object.fromEntries(
                  e.currentTarget.value
                    .split('\n')
                    .map((line) => line.split('=').map((s) => s.trim()))
                    .filter((kv): kv is [string, string] => kv.length === 2 && !!kv[0] && !!kv[1]),
                ),
              })
            }
          />
          <TargetSelect
            label={t('step.then')}
            value={step.next}
            stepIds={others}
            onChange={(next) => set({ next })}
          />
          <TargetSelect
            label={t('step.onError')}
            value={step.on_error}
            stepIds={others}
            onChange={(on_error) => set({ on_error })}
          />
        </Stack>
      );
    case 'ai':
      return (
        <Stack gap="xs">
          <Textarea
            size="xs"
            label={t('step.instructions')}
            autosize
            minRows={2}
            value={step.instructions}
            onChange={(e) => set({ instructions: e.currentTarget.value })}
          />
          <TargetSelect
            label={t('step.then')}
            value={step.next}
            stepIds={others}
            onChange={(next) => set({ next })}
          />
          <TargetSelect
            label={t('step.offOrFailing')}
            value={step.on_error}
            stepIds={others}
            onChange={(on_error) => set({ on_error })}
          />
        </Stack>
      );
    case 'handoff':
      return (
        <Stack gap="xs">
          <Textarea
            size="xs"
            label={t('step.messageToCustomer')}
            autosize
            value={step.message}
            onChange={(e) => set({ message: e.currentTarget.value })}
          />
          <TextInput
            size="xs"
            label={t('step.noteForAgents')}
            value={step.note}
            onChange={(e) => set({ note: e.currentTarget.value })}
          />
          <HandoffTeam value={step.team_id ?? null} onChange={(team_id) => set({ team_id })} />
          <TagsInput
            size="xs"
            label={t('step.skills')}
            value={step.skills ?? []}
            onChange={(skills) => set({ skills: skills.length ? skills : undefined })}
          />
        </Stack>
      );
    case 'end':
      return (
        <Text size="xs" c="dimmed">
          {t('step.flowEnds')}
        </Text>
      );
  }
}
