import {
  ActionIcon,
  Button,
  Divider,
  Group,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorDetails } from './ErrorDetails.tsx';
import {
  ACTIONS,
  ActionFields,
  CONDITIONS,
  ConditionFields,
  newAction,
  newCondition,
  newTrigger,
  type RuleChoices,
  TRIGGERS,
  TriggerFields,
} from './rule-parts.tsx';
import {
  type ApiRule,
  type RuleAction,
  type RuleCondition,
  type RuleInput,
  useSaveRule,
} from './rules.api.ts';

const ALL_NUMBERS = '*';

function Section({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  return (
    <Stack gap={6}>
      <Group gap={6}>
        <Text fw={700} size="sm">
          {title}
        </Text>
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      </Group>
      {children}
    </Stack>
  );
}

function replaceAt<T>(xs: readonly T[], i: number, x: T): T[] {
  return xs.map((old, j) => (j === i ? x : old));
}

/**
 * Creates or edits a rule: when (the trigger) → if (every condition) → then (the actions, in order).
 * The server checks it (a send action's content as `POST /api/messages` does) and its refusal is
 * shown with each field's problem.
 */
export function RuleEditor({
  rule,
  choices,
  onDone,
}: {
  rule: ApiRule | null;
  choices: RuleChoices;
  onDone: () => void;
}) {
  const [draft, setDraft] = useState<RuleInput>(
    rule
      ? {
          name: rule.name,
          phone_number_id: rule.phone_number_id,
          enabled: rule.enabled,
          trigger: rule.trigger,
          conditions: rule.conditions,
          actions: rule.actions,
        }
      : {
          name: '',
          phone_number_id: null,
          enabled: true,
          trigger: newTrigger('customer_message'),
          conditions: [],
          actions: [newAction('send')],
        },
  );
  const { t } = useTranslation('automation');
  const save = useSaveRule();
  const set = (patch: Partial<RuleInput>) => setDraft((d) => ({ ...d, ...patch }));
  const handleSave = () => save.mutate({ id: rule?.id, body: draft }, { onSuccess: onDone });

  return (
    <Paper withBorder p="md" data-testid="rule-editor">
      <Stack gap="md">
        <Group gap="xs" align="flex-end">
          <TextInput
            label={t('rule.name')}
            value={draft.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
            style={{ flex: 1 }}
          />
          <Select
            label={t('rule.number')}
            data={[{ value: ALL_NUMBERS, label: t('rules.allNumbers') }, ...choices.numbers]}
            value={draft.phone_number_id ?? ALL_NUMBERS}
            onChange={(v) => set({ phone_number_id: !v || v === ALL_NUMBERS ? null : v })}
            w={220}
          />
          <Switch
            label={t('rule.enabled')}
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.currentTarget.checked })}
            mb={8}
          />
        </Group>
        <Section title={t('rule.when')} hint={t('rule.whenHint')}>
          <Select
            aria-label={t('rule.trigger')}
            data={TRIGGERS.map((o) => ({ value: o.value, label: t(`parts.triggers.${o.value}`) }))}
            value={draft.trigger.type}
            onChange={(t) => t && set({ trigger: newTrigger(t as RuleInput['trigger']['type']) })}
            w={300}
          />
          <TriggerFields trigger={draft.trigger} choices={choices} onChange={(trigger) => set({ trigger })} />
        </Section>
        <Divider />
        <Section title={t('rule.if')} hint={t('rule.ifHint')}>
          {draft.conditions.map((condition, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions are edited in place, by position
            <Group key={i} gap="xs" align="flex-start" data-testid="rule-condition">
              <Select
                aria-label={t('rule.condition', { n: i + 1 })}
                data={CONDITIONS.map((o) => ({ value: o.value, label: t(`parts.conditions.${o.value}`) }))}
                value={condition.type}
                onChange={(t) =>
                  t &&
                  set({
                    conditions: replaceAt(draft.conditions, i, newCondition(t as RuleCondition['type'])),
                  })
                }
                w={190}
              />
              <ConditionFields
                condition={condition}
                choices={choices}
                onChange={(c) => set({ conditions: replaceAt(draft.conditions, i, c) })}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('rule.removeCondition', { n: i + 1 })}
                onClick={() => set({ conditions: draft.conditions.filter((_, j) => j !== i) })}
              >
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Button
            size="compact-xs"
            variant="light"
            w="fit-content"
            onClick={() => set({ conditions: [...draft.conditions, newCondition('vip')] })}
          >
            {t('rule.addCondition')}
          </Button>
        </Section>
        <Divider />
        <Section title={t('rule.then')} hint={t('rule.thenHint')}>
          {draft.actions.map((action, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: actions are edited in place, by position
            <Group key={i} gap="xs" align="flex-start" data-testid="rule-action">
              <Select
                aria-label={t('rule.action', { n: i + 1 })}
                data={ACTIONS.map((o) => ({ value: o.value, label: t(`parts.actions.${o.value}`) }))}
                value={action.type}
                onChange={(t) =>
                  t && set({ actions: replaceAt(draft.actions, i, newAction(t as RuleAction['type'])) })
                }
                w={210}
              />
              <ActionFields
                action={action}
                choices={choices}
                onChange={(a) => set({ actions: replaceAt(draft.actions, i, a) })}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('rule.removeAction', { n: i + 1 })}
                onClick={() => set({ actions: draft.actions.filter((_, j) => j !== i) })}
              >
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Button
            size="compact-xs"
            variant="light"
            w="fit-content"
            onClick={() => set({ actions: [...draft.actions, newAction('label')] })}
          >
            {t('rule.addAction')}
          </Button>
        </Section>
        {save.error && <ErrorDetails error={save.error} title={t('rule.notSaved')} />}
        <Group gap="xs">
          <Button onClick={handleSave} loading={save.isPending}>
            {rule ? t('rule.save') : t('rule.create')}
          </Button>
          <Button variant="subtle" onClick={onDone}>
            {t('common:actions.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
