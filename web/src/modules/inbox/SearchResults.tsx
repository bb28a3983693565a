import { Box, Loader, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { withoutBidiControls } from '../../shared/bidi.ts';
import { formatListTime } from '../../shared/format.ts';
import { navigate } from '../../shared/router.tsx';
import { Highlighted } from './Highlighted.tsx';
import { useSearch } from './search.api.ts';

const rowStyle = {
  display: 'block',
  width: '100%',
  borderBottom: '1px solid var(--mantine-color-default-border)',
} as const;

/** What the inbox search found: contacts by name or number, then messages by their text, best first. */
export function SearchResults({ q }: { q: string }) {
  const { t } = useTranslation('inbox');
  const search = useSearch(q);
  const data = search.data;
  return (
    <ScrollArea style={{ flex: 1 }} aria-label={t('results.label')}>
      {search.isPending && (
        <Box p="md">
          <Loader size="sm" aria-label={t('results.searching')} />
        </Box>
      )}
      {search.isError && (
        <Text p="md" c="red" size="sm">
          {t('results.failed', { message: search.error.message })}
        </Text>
      )}
      {data && data.contacts.length === 0 && data.messages.length === 0 && (
        <Text p="md" c="dimmed" size="sm">
          {t('results.none', { q: data.q })}
        </Text>
      )}
      {data && data.contacts.length > 0 && (
        <Stack gap={0} component="section" aria-label={t('results.contactsFound')}>
          <Text size="xs" fw={700} c="dimmed" px="sm" pt="sm" pb={4} tt="uppercase">
            {t('results.contacts')}
          </Text>
          {data.contacts.map((c) => (
            <UnstyledButton
              key={c.contact_id}
              px="sm"
              py={8}
              style={rowStyle}
              data-testid="search-contact"
              disabled={!c.conversation_id}
              onClick={() => c.conversation_id && navigate(`/inbox/${c.conversation_id}`)}
            >
              <Text size="sm" fw={500} truncate>
                <Highlighted segments={c.names} />
              </Text>
            </UnstyledButton>
          ))}
        </Stack>
      )}
      {data && data.messages.length > 0 && (
        <Stack gap={0} component="section" aria-label={t('results.messagesFound')}>
          <Text size="xs" fw={700} c="dimmed" px="sm" pt="sm" pb={4} tt="uppercase">
            {t('results.messages')}
          </Text>
          {data.messages.map((m) => (
            <UnstyledButton
              key={m.message_id}
              px="sm"
              py={8}
              style={rowStyle}
              data-testid="search-message"
              onClick={() => navigate(`/inbox/${m.conversation_id}`)}
            >
              <Box style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                <Text size="sm" fw={500} truncate>
                  {m.contact_name ? withoutBidiControls(m.contact_name) : t('mentions.unknownContact')}
                </Text>
                <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                  {formatListTime(m.timestamp)}
                </Text>
              </Box>
              <Text size="xs" lineClamp={2}>
                <Highlighted segments={m.snippet} />
              </Text>
            </UnstyledButton>
          ))}
        </Stack>
      )}
    </ScrollArea>
  );
}
