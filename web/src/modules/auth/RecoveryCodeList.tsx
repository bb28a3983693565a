import { Button, Code, CopyButton, List, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';

type RecoveryCodeListProps = { codes: readonly string[] };

/** Recovery codes as the server returned them once, with a button to copy them all. */
export function RecoveryCodeList({ codes }: RecoveryCodeListProps) {
  const { t } = useTranslation('auth');
  return (
    <Stack gap="xs">
      <List size="sm" data-testid="recovery-codes" aria-label={t('mfa.recoveryCodes')}>
        {codes.map((c) => (
          <List.Item key={c}>
            <Code>{c}</Code>
          </List.Item>
        ))}
      </List>
      <CopyButton value={codes.join('\n')}>
        {({ copied, copy }) => (
          <Button size="compact-sm" variant="light" onClick={copy} w="fit-content">
            {copied ? t('mfa.copied') : t('mfa.copyCodes')}
          </Button>
        )}
      </CopyButton>
    </Stack>
  );
}
