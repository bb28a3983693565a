import { Badge, Tooltip } from '@mantine/core';
import type { Message } from '../../../api/types.ts';
import { BotOriginLabel } from '../../automation/BotOriginLabel.tsx';

type OriginLabelProps = { message: Message; contactName: string };

const labels: Record<Message['origin'], { text: string; color: string; hint: string }> = {
  customer: { text: 'Customer', color: 'gray', hint: 'Sent by the customer' },
  business_app: {
    text: 'Business App',
    color: 'orange',
    hint: 'Typed by the owner in the WhatsApp Business app on the phone',
  },
  agent: { text: 'Agent', color: 'teal', hint: 'Sent from this inbox by an agent' },
  bot: { text: 'Bot', color: 'violet', hint: 'Sent by an automation' },
  campaign: { text: 'Campaign', color: 'pink', hint: 'Sent by a campaign' },
  api: { text: 'API', color: 'blue', hint: 'Sent through the REST API' },
  history: {
    text: 'Imported history',
    color: 'gray',
    hint: 'Imported from the phone when the number was connected',
  },
};

/** Who wrote a message, at a glance: customer, the owner's phone, an agent by name, a bot, … */
export function OriginLabel({ message, contactName }: OriginLabelProps) {
  // A bot flow or a rule: automation's own label says which one.
  if (message.origin === 'bot') return <BotOriginLabel message={message} />;
  const label = labels[message.origin] ?? { text: message.origin, color: 'gray', hint: message.origin };
  let text = label.text;
  if (message.origin === 'agent' && message.author?.name) text = message.author.name;
  if (message.origin === 'customer') text = contactName;
  if (message.origin === 'history')
    text = message.direction === 'inbound' ? `${contactName} · imported` : 'Imported';
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
