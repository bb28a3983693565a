import { Button, Menu, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCannedReplies } from '../inbox.api.ts';

type CannedReplyMenuProps = { onPick: (body: string) => void };

/** Inserts a saved answer into the reply. */
export function CannedReplyMenu({ onPick }: CannedReplyMenuProps) {
  const { t } = useTranslation('inbox');
  const replies = useCannedReplies();
  const items = replies.data ?? [];
  return (
    <Menu position="top-start" withinPortal>
      <Menu.Target>
        <Button size="compact-sm" variant="subtle" disabled={items.length === 0}>
          {t('canned.list')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown mah={320} maw={360} style={{ overflowY: 'auto' }}>
        {items.map((reply) => (
          <Menu.Item key={reply.id} onClick={() => onPick(reply.text)}>
            <Text size="sm" fw={500}>
              /{reply.shortcut}
            </Text>
            <Text size="xs" c="dimmed" lineClamp={2}>
              {reply.text}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
