import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CreatedInvitation } from '../../api/types.ts';

/** A new invitation's link, shown once: the hub keeps only a hash of its secret. */
export function InvitationLink({ invitation }: { invitation: CreatedInvitation }) {
  const { t } = useTranslation('organisations');
  // The hub knows its public address only when configured; else this page's own is the one.
  const url = invitation.url.startsWith('/') ? `${window.location.origin}${invitation.url}` : invitation.url;
  return (
    <Alert color="teal" title={t('invite.sent', { email: invitation.email })}>
      <Stack gap="xs">
        <Text size="sm">{t('invite.shownOnce')}</Text>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code data-testid="invitation-url" style={{ wordBreak: 'break-all' }}>
            {url}
          </Code>
          <CopyButton value={url}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="light" onClick={copy}>
                {copied ? t('invite.copied') : t('common:actions.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}
