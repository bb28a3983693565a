import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../api/types.ts';
import { useAutomatedOrigin } from './rules.api.ts';

/**
 * The origin label of an automated message: whether a bot flow (its name, version and step) or a
 * rule (its name) sent it, from `GET /api/conversations/:id/automated`.
 */
export function BotOriginLabel({ message }: { message: Message }) {
  const { t } = useTranslation('automation');
  const origin = useAutomatedOrigin(message.conversation_id, message.id);
  const text = !origin
    ? t('origin.bot')
    : origin.kind === 'flow'
      ? t('origin.flow', { name: origin.name })
      : t('origin.rule', { name: origin.name });
  const hint = !origin
    ? t('origin.botHint')
    : origin.kind === 'flow'
      ? origin.step_id
        ? t('origin.flowStepHint', { name: origin.name, step: origin.step_id })
        : t('origin.flowHint', { name: origin.name })
      : t('origin.ruleHint', { name: origin.name });
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
