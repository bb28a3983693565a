import { Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { useControl, useControlAction, useFlowRun } from '../../automation/automation.api.ts';
import { useAgentNames } from '../inbox.api.ts';

const time = (iso: string | null) =>
  iso ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';

type By = { kind: string; id: string | null } | null;

/** Who took it: a user by name when the directory knows them, otherwise what kind of actor. */
const who = (by: By, names: ReadonlyMap<string, string>, t: TFunction<'inbox'>) => {
  if (!by) return t('control.by.person');
  if (by.kind === 'owner') return t('control.by.owner');
  if (by.kind === 'system') return t('control.by.rule');
  if (by.kind === 'token') return t('control.by.token');
  return (by.id && names.get(by.id)) || t('control.by.agent');
};

/**
 * Who is in control of the conversation: the bot (its flow and step) or humans (who, since when,
 * paused until when, or kept with humans), with "Take over", "Keep with humans" (no end by silence,
 * until a hand back or a resolve) and "Hand back to the bot". The actions are conversation work
 * (`conversation.write`, `me.can.act`): hidden for roles that cannot do them.
 */
export function ControlBar({ me, conversationId }: { me: Me; conversationId: string }) {
  const { t } = useTranslation('inbox');
  const control = useControl(conversationId);
  const flowRun = useFlowRun(conversationId);
  const action = useControlAction(conversationId);
  const toasts = useToasts();
  const c = control.data;
  const byUser = c?.by?.kind === 'user' ? c.by.id : null;
  const directory = useAgentNames([byUser === me.id ? null : byUser]);
  const names = new Map(directory).set(me.id, me.name);
  if (!c) return null;
  const run = flowRun.data?.run ?? null;
  const human = c.state === 'human';
  let description: string;
  // A flow's handoff keeps the conversation with humans: the header says the bot handed it off.
  const handedOffByFlow =
    c.keep_with_humans &&
    c.by?.kind === 'system' &&
    c.by.id?.startsWith('flow:') &&
    run?.status === 'handed_off';
  if (human) {
    if (c.reason === 'vip') description = t('control.vip');
    else if (handedOffByFlow)
      description = t('control.handedOff', { flow: run.flow_name, at: time(run.ended_at) });
    else if (c.keep_with_humans)
      description = t('control.kept', { since: time(c.since), by: who(c.by, names, t) });
    else
      description =
        t('control.human', { since: time(c.since), by: who(c.by, names, t) }) +
        (c.paused_until ? t('control.paused', { until: time(c.paused_until) }) : '');
  } else if (run?.status === 'active') {
    description =
      t('control.bot', { flow: run.flow_name, version: run.version, step: run.step_id ?? '—' }) +
      (run.waiting === 'answer' ? t('control.waiting') : '');
  } else if (run?.status === 'handed_off') {
    description = t('control.handedOff', { flow: run.flow_name, at: time(run.ended_at) });
  } else {
    description = t('control.botMay');
  }
  const done = {
    'take-over': t('control.tookOver'),
    'hand-back': t('control.handedBack'),
    'keep-with-humans': t('control.keptWithHumans'),
  } as const;
  const act = (kind: keyof typeof done) =>
    action.mutate(kind, { onSuccess: () => toasts.showSuccess(done[kind]), onError: toasts.showError });
  const actions = me.can.act && c.reason !== 'vip';
  return (
    // The actions go under the description when the header is too narrow for both on one line.
    <Group
      gap="xs"
      mt={6}
      wrap="wrap"
      data-testid="control-bar"
      data-state={c.state}
      data-keep={c.keep_with_humans ? 'true' : 'false'}
    >
      <Badge size="sm" variant="light" color={human ? 'orange' : 'grape'} style={{ flexShrink: 0 }}>
        {human ? t('control.humanBadge') : t('control.botBadge')}
      </Badge>
      <Text
        size="xs"
        c="dimmed"
        truncate
        title={description}
        style={{ minWidth: 0, flex: '1 1 20rem' }}
        data-testid="control-description"
      >
        {description}
      </Text>
      {actions && (
        <Group gap="xs" wrap="nowrap" ml="auto">
          {!c.keep_with_humans && (
            <Tooltip label={t('control.keepHint')} multiline w={280}>
              <Button
                size="compact-xs"
                variant="subtle"
                loading={action.isPending}
                onClick={() => act('keep-with-humans')}
              >
                {t('control.keep')}
              </Button>
            </Tooltip>
          )}
          <Button
            size="compact-xs"
            variant="light"
            loading={action.isPending}
            onClick={() => act(human ? 'hand-back' : 'take-over')}
          >
            {human ? t('control.handBack') : t('control.takeOver')}
          </Button>
        </Group>
      )}
    </Group>
  );
}
