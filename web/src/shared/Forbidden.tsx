import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from './router.tsx';

/** Shown when a role opens a screen it may not use; the API refuses the data anyway. */
export function Forbidden() {
  const { t } = useTranslation();
  return (
    <Center h="100%" p="md">
      <Stack align="center" gap="xs" data-testid="forbidden">
        <Title order={3}>{t('forbidden.title')}</Title>
        <Text c="dimmed">{t('forbidden.hint')}</Text>
        <Button component={Link} to="/inbox" variant="light">
          {t('forbidden.back')}
        </Button>
      </Stack>
    </Center>
  );
}
