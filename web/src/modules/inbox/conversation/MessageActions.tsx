import { ActionIcon, Group, Menu } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { messagePreview } from './message-content.ts';

/** What the timeline lets an agent do with a message. */
export type MessageActionHandlers = {
  onReply: (message: Message) => void;
  onReact: (message: Message, emoji: string) => void;
  onForward: (message: Message) => void;
};

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '🙏', '✅'] as const;

type MessageActionsProps = { message: Message; actions: MessageActionHandlers };

/** The ⋯ menu of a message: reply with quote, react, copy, forward (all reachable with the keyboard). */
export function MessageActions({ message, actions }: MessageActionsProps) {
  const { t } = useTranslation('inbox');
  const toasts = useToasts();
  const mine = message.reactions.find((r) => r.from === 'business')?.emoji ?? null;
  const canQuote = !!message.wamid;
  const handleCopy = async () => {
    try {
      await navigator.clipboard.writeText(messagePreview(message.type, message.content));
      toasts.showSuccess(t('actions.copied'));
    } catch (error) {
      toasts.showError(error);
    }
  };

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon size="sm" variant="subtle" aria-label={t('actions.menu')} data-testid="message-actions">
          ⋯
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {canQuote && (
          <Group gap={2} px={6} py={4} role="group" aria-label={t('actions.react')}>
            {QUICK_REACTIONS.map((emoji) => (
              <Menu.Item
                key={emoji}
                px={6}
                py={2}
                w="auto"
                aria-label={
                  mine === emoji ? t('actions.unreact', { emoji }) : t('actions.reactWith', { emoji })
                }
                aria-pressed={mine === emoji}
                style={{
                  fontSize: 18,
                  background: mine === emoji ? 'var(--mantine-color-teal-light)' : undefined,
                }}
                onClick={() => actions.onReact(message, mine === emoji ? '' : emoji)}
              >
                {emoji}
              </Menu.Item>
            ))}
          </Group>
        )}
        {canQuote && <Menu.Item onClick={() => actions.onReply(message)}>{t('actions.reply')}</Menu.Item>}
        <Menu.Item onClick={handleCopy}>{t('actions.copy')}</Menu.Item>
        <Menu.Item onClick={() => actions.onForward(message)}>{t('actions.forward')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
