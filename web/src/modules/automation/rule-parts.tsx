import {
  Group,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  TagsInput,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RuleAction, RuleCondition, RuleTrigger } from './rules.api.ts';
import { ContentFields } from './StepForm.tsx';

/**
 * The form fields of one part of a rule (its trigger, a condition, an action), by type. Each editor
 * takes the part and returns a changed copy; what the server refuses comes back as its error.
 */

export type Option = { value: string; label: string };

/** What the pickers offer: numbers, labels, teams, agents, routing policies, flows. */
export type RuleChoices = {
  numbers: Option[];
  labels: Option[];
  teams: Option[];
  agents: Option[];
  policies: Option[];
  flows: Option[];
};

export const TRIGGERS: { value: RuleTrigger['type']; label: string }[] = [
  { value: 'conversation_opened', label: 'A conversation is opened' },
  { value: 'customer_message', label: 'A customer writes' },
  { value: 'keyword', label: 'A message has a keyword' },
  { value: 'pattern', label: 'A message matches a pattern' },
  { value: 'referral', label: 'A customer comes from an ad' },
  { value: 'quick_reply', label: 'A template button is tapped' },
  { value: 'outside_business_hours', label: 'A customer writes out of hours' },
  { value: 'no_human_reply', label: 'No human replied within…' },
  { value: 'label_added', label: 'A label is added' },
  { value: 'conversation_resolved', label: 'A conversation is resolved' },
];

export const CONDITIONS: { value: RuleCondition['type']; label: string }[] = [
  { value: 'number', label: 'Number is' },
  { value: 'contact_attribute', label: 'Contact attribute' },
  { value: 'label', label: 'Label' },
  { value: 'message_text', label: 'Message text' },
  { value: 'language', label: 'Language is' },
  { value: 'vip', label: 'VIP' },
  { value: 'window_open', label: 'Window open' },
  { value: 'business_hours', label: 'Business hours' },
  { value: 'assigned', label: 'Assigned' },
];

export const ACTIONS: { value: RuleAction['type']; label: string }[] = [
  { value: 'send', label: 'Send a message' },
  { value: 'assign_policy', label: 'Assign by routing policy' },
  { value: 'assign_team', label: 'Assign to a team' },
  { value: 'assign_agent', label: 'Assign to an agent' },
  { value: 'label', label: 'Add a label' },
  { value: 'set_attribute', label: 'Set a contact attribute' },
  { value: 'note', label: 'Add an internal note' },
  { value: 'resolve', label: 'Resolve' },
  { value: 'snooze', label: 'Snooze' },
  { value: 'start_flow', label: 'Start a flow' },
  { value: 'hand_off', label: 'Hand off to humans' },
];

/** A new part of each type, with the fields the server requires filled where a default makes sense. */
export function newTrigger(type: RuleTrigger['type']): RuleTrigger {
  switch (type) {
    case 'keyword':
      return { type, keywords: [], match: 'word' };
    case 'pattern':
      return { type, regex: '' };
    case 'no_human_reply':
      return { type, minutes: 15 };
    case 'label_added':
      return { type, label_id: '' };
    default:
      return { type } as RuleTrigger;
  }
}

export function newCondition(type: RuleCondition['type']): RuleCondition {
  switch (type) {
    case 'number':
      return { type, phone_number_ids: [] };
    case 'contact_attribute':
      return { type, key: '', op: 'equals', value: '' };
    case 'label':
      return { type, label_id: '', present: true };
    case 'message_text':
      return { type, op: 'contains', value: '' };
    case 'language':
      return { type, languages: [] };
    case 'business_hours':
      return { type, value: 'open' };
    default:
      return { type, value: true } as RuleCondition;
  }
}

export function newAction(type: RuleAction['type']): RuleAction {
  switch (type) {
    case 'send':
      return { type, content: { type: 'text', text: { body: '' } } };
    case 'assign_team':
      return { type, team_id: '' };
    case 'assign_agent':
      return { type, user_id: '' };
    case 'label':
      return { type, label_id: '' };
    case 'set_attribute':
      return { type, key: '', value: '' };
    case 'note':
      return { type, body: '' };
    case 'snooze':
      return { type, minutes: 60 };
    case 'start_flow':
      return { type, flow_id: '' };
    default:
      return { type } as RuleAction;
  }
}

const list = (value: string | null) => value ?? '';
const optional = (value: string | null) => (value ? value : undefined);

export function TriggerFields({
  trigger,
  choices,
  onChange,
}: {
  trigger: RuleTrigger;
  choices: RuleChoices;
  onChange: (t: RuleTrigger) => void;
}) {
  const { t } = useTranslation('automation');
  switch (trigger.type) {
    case 'keyword':
      return (
        <Group gap="xs" align="flex-end">
          <TagsInput
            label={t('parts.keywords')}
            description={t('parts.keywordsHint')}
            value={trigger.keywords}
            onChange={(keywords) => onChange({ ...trigger, keywords })}
            style={{ flex: 1 }}
          />
          <Select
            label={t('parts.match')}
            data={[
              { value: 'word', label: t('parts.matchWord') },
              { value: 'exact', label: t('parts.matchExact') },
              { value: 'contains', label: t('parts.matchContains') },
            ]}
            value={trigger.match}
            onChange={(m) => onChange({ ...trigger, match: (m ?? 'word') as typeof trigger.match })}
            w={160}
          />
        </Group>
      );
    case 'pattern':
      return (
        <TextInput
          label={t('parts.regex')}
          value={trigger.regex}
          onChange={(e) => onChange({ ...trigger, regex: e.currentTarget.value })}
        />
      );
    case 'referral':
      return (
        <TextInput
          label={t('parts.ad')}
          description={t('parts.adHint')}
          value={trigger.source_id ?? ''}
          onChange={(e) => onChange({ ...trigger, source_id: optional(e.currentTarget.value) })}
        />
      );
    case 'quick_reply':
      return (
        <TextInput
          label={t('parts.payload')}
          description={t('parts.payloadHint')}
          value={trigger.payload ?? ''}
          onChange={(e) => onChange({ ...trigger, payload: optional(e.currentTarget.value) })}
        />
      );
    case 'no_human_reply':
      return (
        <NumberInput
          label={t('parts.minutesWithoutReply')}
          min={1}
          value={trigger.minutes}
          onChange={(m) => onChange({ ...trigger, minutes: Number(m) || 0 })}
          w={240}
        />
      );
    case 'label_added':
      return (
        <Select
          label={t('parts.label')}
          data={choices.labels}
          value={trigger.label_id || null}
          onChange={(v) => onChange({ ...trigger, label_id: list(v) })}
        />
      );
    default:
      return null;
  }
}

export function ConditionFields({
  condition,
  choices,
  onChange,
}: {
  condition: RuleCondition;
  choices: RuleChoices;
  onChange: (c: RuleCondition) => void;
}) {
  const { t } = useTranslation('automation');
  const yesNo = [
    { value: 'true', label: t('parts.yes') },
    { value: 'false', label: t('parts.no') },
  ];
  switch (condition.type) {
    case 'number':
      return (
        <MultiSelect
          aria-label={t('parts.numbers')}
          data={choices.numbers}
          value={condition.phone_number_ids}
          onChange={(ids) => onChange({ ...condition, phone_number_ids: ids })}
          style={{ flex: 1 }}
        />
      );
    case 'contact_attribute':
      return (
        <Group gap="xs" style={{ flex: 1 }}>
          <TextInput
            aria-label={t('parts.attribute')}
            placeholder={t('parts.attributePlaceholder')}
            value={condition.key}
            onChange={(e) => onChange({ ...condition, key: e.currentTarget.value })}
            w={130}
          />
          <Select
            aria-label={t('parts.comparison')}
            data={(['equals', 'not_equals', 'contains', 'exists', 'not_exists'] as const).map((op) => ({
              value: op,
              label: t(`parts.ops.${op}`),
            }))}
            value={condition.op}
            onChange={(op) => onChange({ ...condition, op: (op ?? 'equals') as typeof condition.op })}
            w={130}
          />
          {condition.op !== 'exists' && condition.op !== 'not_exists' && (
            <TextInput
              aria-label={t('parts.value')}
              placeholder={t('parts.valuePlaceholder')}
              value={condition.value ?? ''}
              onChange={(e) => onChange({ ...condition, value: e.currentTarget.value })}
              w={130}
            />
          )}
        </Group>
      );
    case 'label':
      return (
        <Group gap="xs" style={{ flex: 1 }}>
          <Select
            aria-label={t('parts.label')}
            data={choices.labels}
            value={condition.label_id || null}
            onChange={(v) => onChange({ ...condition, label_id: list(v) })}
            w={180}
          />
          <Switch
            label={t('parts.present')}
            checked={condition.present}
            onChange={(e) => onChange({ ...condition, present: e.currentTarget.checked })}
          />
        </Group>
      );
    case 'message_text':
      return (
        <Group gap="xs" style={{ flex: 1 }}>
          <Select
            aria-label={t('parts.comparison')}
            data={(['contains', 'equals', 'starts_with'] as const).map((op) => ({
              value: op,
              label: t(`parts.ops.${op}`),
            }))}
            value={condition.op}
            onChange={(op) => onChange({ ...condition, op: (op ?? 'contains') as typeof condition.op })}
            w={130}
          />
          <TextInput
            aria-label={t('parts.text')}
            value={condition.value}
            onChange={(e) => onChange({ ...condition, value: e.currentTarget.value })}
            style={{ flex: 1 }}
          />
        </Group>
      );
    case 'language':
      return (
        <TagsInput
          aria-label={t('parts.languages')}
          placeholder="es, pt-BR…"
          value={condition.languages}
          onChange={(languages) => onChange({ ...condition, languages })}
          style={{ flex: 1 }}
        />
      );
    case 'business_hours':
      return (
        <Select
          aria-label={t('parts.businessHours')}
          data={[
            { value: 'open', label: t('parts.open') },
            { value: 'closed', label: t('parts.closed') },
          ]}
          value={condition.value}
          onChange={(v) => onChange({ ...condition, value: (v ?? 'open') as 'open' | 'closed' })}
          w={130}
        />
      );
    default:
      return (
        <Select
          aria-label={t(`parts.conditions.${condition.type}`)}
          data={yesNo}
          value={String(condition.value)}
          onChange={(v) => onChange({ ...condition, value: v === 'true' } as RuleCondition)}
          w={100}
        />
      );
  }
}

type SendContent = {
  type?: string;
  text?: { body?: string };
  interactive?: { type?: string; body?: { text?: string } };
};

/** The kinds of message a send action offers; `json` is any other content, as `POST /api/messages` takes it. */
const SEND_KINDS = ['text', 'buttons', 'list', 'image', 'video', 'document', 'audio', 'json'] as const;
type SendKind = (typeof SEND_KINDS)[number];

function sendKindOf(content: SendContent): SendKind {
  if (content.type === 'text') return 'text';
  if (content.type === 'interactive') {
    if (content.interactive?.type === 'button') return 'buttons';
    if (content.interactive?.type === 'list') return 'list';
    return 'json';
  }
  if (content.type === 'image' || content.type === 'video' || content.type === 'document')
    return content.type;
  if (content.type === 'audio') return 'audio';
  return 'json';
}

function bodyOf(content: SendContent): string {
  return content.type === 'text' ? (content.text?.body ?? '') : (content.interactive?.body?.text ?? '');
}

/** A first message of a kind, keeping the text written so far; media start with a link to replace. */
function starterContent(kind: SendKind, body: string, t: (key: string) => string): Record<string, unknown> {
  const text = body || t('parts.starterBody');
  const option = { id: 'option_1', title: t('parts.starterOption') };
  switch (kind) {
    case 'text':
    case 'json':
      return { type: 'text', text: { body } };
    case 'buttons':
      return {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text },
          action: { buttons: [{ type: 'reply', reply: option }] },
        },
      };
    case 'list':
      return {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text },
          action: { button: t('parts.starterListButton'), sections: [{ rows: [option] }] },
        },
      };
    case 'audio':
      return { type: 'audio', audio: { link: 'https://example.com/audio.ogg' } };
    default:
      return {
        type: kind,
        [kind]: {
          link: `https://example.com/file.${kind === 'image' ? 'jpg' : kind === 'video' ? 'mp4' : 'pdf'}`,
          ...(body ? { caption: body } : {}),
        },
      };
  }
}

function SendFields({
  action,
  onChange,
}: {
  action: Extract<RuleAction, { type: 'send' }>;
  onChange: (a: RuleAction) => void;
}) {
  const { t } = useTranslation('automation');
  const content = action.content as SendContent;
  const kind = sendKindOf(content);
  const template = action.template_if_window_closed;
  const setContent = (next: Record<string, unknown>) => onChange({ ...action, content: next });
  return (
    <Stack gap={6} style={{ flex: 1 }}>
      <Group gap="xs" align="flex-start">
        <Select
          label={t('parts.sendKind')}
          data={SEND_KINDS.map((k) => ({ value: k, label: t(`parts.sendKinds.${k}`) }))}
          value={kind}
          allowDeselect={false}
          onChange={(v) => {
            const next = (v ?? 'text') as SendKind;
            if (next !== kind && next !== 'json') setContent(starterContent(next, bodyOf(content), t));
          }}
          w={170}
        />
        <TextInput
          label={t('parts.template')}
          placeholder={t('parts.templatePlaceholder')}
          value={template?.name ?? ''}
          onChange={(e) => {
            const name = e.currentTarget.value;
            onChange({
              ...action,
              template_if_window_closed: name ? { name, language: template?.language ?? 'en' } : undefined,
            });
          }}
          w={260}
        />
        {template && (
          <TextInput
            label={t('parts.language')}
            value={template.language}
            onChange={(e) =>
              onChange({
                ...action,
                template_if_window_closed: { ...template, language: e.currentTarget.value },
              })
            }
            w={80}
          />
        )}
      </Group>
      {kind === 'text' || kind === 'buttons' ? (
        <ContentFields label={t('parts.message')} content={action.content} onChange={setContent} />
      ) : (
        <Textarea
          // A new kind starts its JSON afresh.
          key={kind}
          label={t('parts.rawMessage', { type: content.type ?? t('parts.content') })}
          autosize
          minRows={3}
          defaultValue={JSON.stringify(action.content, null, 2)}
          onBlur={(e) => {
            try {
              setContent(JSON.parse(e.currentTarget.value) as Record<string, unknown>);
            } catch {
              // Left as typed; the server says what is wrong with it when the rule is saved.
            }
          }}
          styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
        />
      )}
    </Stack>
  );
}

export function ActionFields({
  action,
  choices,
  onChange,
}: {
  action: RuleAction;
  choices: RuleChoices;
  onChange: (a: RuleAction) => void;
}) {
  const { t } = useTranslation('automation');
  switch (action.type) {
    case 'send':
      return <SendFields action={action} onChange={onChange} />;
    case 'assign_policy':
    case 'hand_off':
      return (
        <Group gap="xs" align="flex-end" style={{ flex: 1 }}>
          <Select
            label={t('parts.policy')}
            placeholder={t('parts.policyPlaceholder')}
            clearable
            data={choices.policies}
            value={action.policy_id ?? null}
            onChange={(v) => onChange({ ...action, policy_id: optional(v) })}
            w={200}
          />
          <Select
            label={t('parts.team')}
            placeholder={t('parts.anyTeam')}
            clearable
            data={choices.teams}
            value={action.team_id ?? null}
            onChange={(v) => onChange({ ...action, team_id: optional(v) })}
            w={160}
          />
          <TagsInput
            label={t('parts.skills')}
            value={action.skills ?? []}
            onChange={(skills) => onChange({ ...action, skills: skills.length ? skills : undefined })}
            w={200}
          />
          {action.type === 'assign_policy' && (
            <TextInput
              label={t('parts.conversationLanguage')}
              placeholder={t('parts.conversationLanguagePlaceholder')}
              value={action.language ?? ''}
              onChange={(e) => onChange({ ...action, language: optional(e.currentTarget.value.trim()) })}
              w={150}
            />
          )}
          {action.type === 'hand_off' && (
            <TextInput
              label={t('parts.note')}
              value={action.note ?? ''}
              onChange={(e) => onChange({ ...action, note: optional(e.currentTarget.value) })}
              style={{ flex: 1 }}
            />
          )}
        </Group>
      );
    case 'assign_team':
      return (
        <Select
          aria-label={t('parts.team')}
          data={choices.teams}
          value={action.team_id || null}
          onChange={(v) => onChange({ ...action, team_id: list(v) })}
          w={200}
        />
      );
    case 'assign_agent':
      return (
        <Select
          aria-label={t('parts.agent')}
          data={choices.agents}
          value={action.user_id || null}
          onChange={(v) => onChange({ ...action, user_id: list(v) })}
          w={200}
        />
      );
    case 'label':
      return (
        <Select
          aria-label={t('parts.label')}
          data={choices.labels}
          value={action.label_id || null}
          onChange={(v) => onChange({ ...action, label_id: list(v) })}
          w={200}
        />
      );
    case 'set_attribute':
      return (
        <Group gap="xs">
          <TextInput
            aria-label={t('parts.attribute')}
            placeholder={t('parts.attributePlaceholder')}
            value={action.key}
            onChange={(e) => onChange({ ...action, key: e.currentTarget.value })}
            w={150}
          />
          <TextInput
            aria-label={t('parts.value')}
            placeholder={t('parts.valuePlaceholder')}
            value={action.value}
            onChange={(e) => onChange({ ...action, value: e.currentTarget.value })}
            w={200}
          />
        </Group>
      );
    case 'note':
      return (
        <Textarea
          aria-label={t('parts.note')}
          autosize
          value={action.body}
          onChange={(e) => onChange({ ...action, body: e.currentTarget.value })}
          style={{ flex: 1 }}
        />
      );
    case 'snooze':
      return (
        <NumberInput
          aria-label={t('parts.minutes')}
          suffix=" min"
          min={1}
          value={action.minutes}
          onChange={(m) => onChange({ ...action, minutes: Number(m) || 0 })}
          w={140}
        />
      );
    case 'start_flow':
      return (
        <Select
          aria-label={t('parts.flow')}
          data={choices.flows}
          value={action.flow_id || null}
          onChange={(v) => onChange({ ...action, flow_id: list(v) })}
          w={220}
        />
      );
    default:
      return null;
  }
}
