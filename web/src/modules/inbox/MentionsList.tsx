import { Badge, Box, Center, Loader, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { withoutBidiControls } from '../../shared/bidi.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatListTime } from '../../shared/format.ts';
import { navigate } from '../../shared/router.tsx';
import { useMentions } from './ergonomics.api.ts';

type MentionsListProps = { selectedId: string | undefined };

/** The notes that @mentioned me, newest first; unseen ones are marked; a click opens the conversation. */
export function MentionsList({ selectedId }: MentionsListProps) {
  const { t } = useTranslation('inbox');
  const mentions = useMentions();
  if (mentions.isPending) {
    return (
      <Center p="md">
        <Loader size="sm" aria-label={t('mentions.loading')} />
      </Center>
    );
  }
  if (mentions.error) return <ErrorNotice error={mentions.error} onRetry={() => mentions.refetch()} />;
  const items = mentions.data.data;
  if (items.length === 0) {
    return (
      <Center p="lg">
        <Text c="dimmed" size="sm">
          {t('mentions.none')}
        </Text>
      </Center>
    );
  }
  return (
    <Stack gap={0} style={{ overflowY: 'auto', flex: 1 }} data-testid="mentions-list" role="list">
      {items.map((mention) => (
        <UnstyledButton
          key={mention.id}
          role="listitem"
          data-testid="mention-row"
          onClick={() => navigate(`/inbox/${mention.conversation_id}`)}
          px="sm"
          py="xs"
          style={{
            borderBottom: '1px solid var(--mantine-color-default-border)',
            background:
              mention.conversation_id === selectedId ? 'var(--mantine-primary-color-light)' : undefined,
          }}
        >
          <Box style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
            <Text size="sm" fw={mention.read_at ? 400 : 700} truncate>
              {withoutBidiControls(mention.contact_name ?? t('mentions.unknownContact'))}
            </Text>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {formatListTime(mention.created_at)}
            </Text>
          </Box>
          <Text size="xs" c="dimmed" lineClamp={2}>
            {t('mentions.by', { name: mention.author?.name ?? t('mentions.someone') })}: {mention.body}
          </Text>
          {!mention.read_at && (
            <Badge size="xs" color="grape" mt={2}>
              {t('mentions.new')}
            </Badge>
          )}
        </UnstyledButton>
      ))}
    </Stack>
  );
}
