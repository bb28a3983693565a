import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../api/types.ts';
import { BotOriginLabel } from '../../automation/BotOriginLabel.tsx';

type OriginLabelProps = { message: Message; contactName: string };

const colors: Record<Message['origin'], string> = {
  customer: 'gray',
  business_app: 'orange',
  agent: 'teal',
  bot: 'violet',
  campaign: 'pink',
  api: 'blue',
  history: 'gray',
};

/** Who wrote a message, at a glance: customer, the owner's phone, an agent by name, a bot, … */
export function OriginLabel({ message, contactName }: OriginLabelProps) {
  const { t } = useTranslation('inbox');
  // A bot flow or a rule: automation's own label says which one.
  if (message.origin === 'bot') return <BotOriginLabel message={message} />;
  const labels: Record<Message['origin'], { text: string; hint: string }> = {
    customer: { text: t('origin.customer'), hint: t('origin.customerHint') },
    business_app: { text: t('origin.businessApp'), hint: t('origin.businessAppHint') },
    agent: { text: t('origin.agent'), hint: t('origin.agentHint') },
    bot: { text: t('origin.bot'), hint: t('origin.botHint') },
    campaign: { text: t('origin.campaign'), hint: t('origin.campaignHint') },
    api: { text: 'API', hint: t('origin.apiHint') },
    history: { text: t('origin.history'), hint: t('origin.historyHint') },
  };
  const label = {
    ...(labels[message.origin] ?? { text: message.origin, hint: message.origin }),
    color: colors[message.origin] ?? 'gray',
  };
  let text = label.text;
  if (message.origin === 'agent' && message.author?.name) text = message.author.name;
  if (message.origin === 'customer') text = contactName;
  if (message.origin === 'history')
    text =
      message.direction === 'inbound'
        ? t('origin.importedFrom', { name: contactName })
        : t('origin.imported');
  const icon = message.origin === 'business_app' ? '📱 ' : '';
  return (
    <Tooltip label={label.hint} openDelay={300}>
      <Badge
        size="xs"
        variant="light"
        color={label.color}
        tt="none"
        data-testid="message-origin"
        data-origin={message.origin}
      >
        {icon}
        {text}
      </Badge>
    </Tooltip>
  );
}
