import { Badge, Button, Group, Text } from '@mantine/core';
import type { Me } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { useControl, useControlAction, useFlowRun } from '../../automation/automation.api.ts';

const time = (iso: string | null) =>
  iso ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';

const who = (by: { kind: string; id: string | null } | null) => {
  if (!by) return 'a person';
  if (by.kind === 'owner') return 'the owner on the phone';
  if (by.kind === 'system') return 'a rule';
  return by.kind === 'token' ? 'an API token' : 'an agent';
};

/**
 * Who is in control of the conversation: the bot (its flow and step) or humans (who, since when,
 * paused until when), with "Take over" and "Hand back to the bot".
 */
export function ControlBar({ me, conversationId }: { me: Me; conversationId: string }) {
  const control = useControl(conversationId);
  const flowRun = useFlowRun(conversationId);
  const action = useControlAction(conversationId);
  const toasts = useToasts();
  const c = control.data;
  if (!c) return null;
  const run = flowRun.data?.run ?? null;
  const human = c.state === 'human';
  let description: string;
  if (human) {
    if (c.reason === 'vip') description = 'VIP: left to the owner on the phone; the bot never answers';
    else if (c.keep_with_humans) description = `Kept with humans since ${time(c.since)} (by ${who(c.by)})`;
    else
      description = `Human since ${time(c.since)} (${who(c.by)})${c.paused_until ? `, bot paused until ${time(c.paused_until)}` : ''}`;
  } else if (run?.status === 'active') {
    description = `Bot: flow “${run.flow_name}” v${run.version}, step ${run.step_id ?? '—'}${run.waiting === 'answer' ? ' (waiting for the customer)' : ''}`;
  } else if (run?.status === 'handed_off') {
    description = `Bot handed off (“${run.flow_name}”) at ${time(run.ended_at)}`;
  } else {
    description = 'Bot may answer';
  }
  const act = (kind: 'take-over' | 'hand-back') =>
    action.mutate(kind, {
      onSuccess: () =>
        toasts.showSuccess(kind === 'take-over' ? 'You took over from the bot' : 'Handed back to the bot'),
      onError: toasts.showError,
    });
  return (
    <Group gap="xs" mt={6} wrap="nowrap" data-testid="control-bar" data-state={c.state}>
      <Badge size="sm" variant="light" color={human ? 'orange' : 'grape'} style={{ flexShrink: 0 }}>
        {human ? 'Human' : 'Bot'}
      </Badge>
      <Text size="xs" c="dimmed" truncate style={{ minWidth: 0, flex: 1 }} data-testid="control-description">
        {description}
      </Text>
      {me.can.act && c.reason !== 'vip' && (
        <Button
          size="compact-xs"
          variant="light"
          loading={action.isPending}
          onClick={() => act(human ? 'hand-back' : 'take-over')}
        >
          {human ? 'Hand back to the bot' : 'Take over'}
        </Button>
      )}
    </Group>
  );
}
