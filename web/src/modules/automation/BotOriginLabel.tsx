import { Badge, Tooltip } from '@mantine/core';
import type { Message } from '../../api/types.ts';
import { useAutomatedOrigin } from './rules.api.ts';

/**
 * The origin label of an automated message: whether a bot flow (its name, version and step) or a
 * rule (its name) sent it, from `GET /api/conversations/:id/automated`.
 */
export function BotOriginLabel({ message }: { message: Message }) {
  const origin = useAutomatedOrigin(message.conversation_id, message.id);
  const text = !origin
    ? 'Bot'
    : origin.kind === 'flow'
      ? `Bot flow · ${origin.name}`
      : `Rule · ${origin.name}`;
  const hint = !origin
    ? 'Sent by an automation'
    : origin.kind === 'flow'
      ? `Sent by the bot flow ${origin.name}${origin.step_id ? `, step ${origin.step_id}` : ''}`
      : `Sent by the rule ${origin.name}`;
  return (
    <Tooltip label={hint} openDelay={300}>
      <Badge
        size="xs"
        variant="light"
        color={origin?.kind === 'rule' ? 'indigo' : 'violet'}
        tt="none"
        data-testid="message-origin"
        data-origin="bot"
        data-automation={origin?.kind ?? ''}
      >
        {origin?.kind === 'rule' ? '⚡ ' : '🤖 '}
        {text}
      </Badge>
    </Tooltip>
  );
}
