import { Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage } from '../../i18n/index.ts';
import { LanguagePicker } from '../../i18n/LanguagePicker.tsx';

/** The centred card the sign-in screens share. */
export function AuthCard({ children }: { children: ReactNode }) {
  const { t } = useTranslation('auth');
  return (
    <Center mih="100dvh" p="md" style={{ overflowY: 'auto' }}>
      <Paper withBorder shadow="sm" p="xl" radius="md" w={420} maw="100%">
        <Stack>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div>
              <Title order={2}>Coexist</Title>
              <Text c="dimmed" size="sm">
                {t('tagline')}
              </Text>
            </div>
            <LanguagePicker
              size="xs"
              value={currentLanguage()}
              onChange={(language) => setLanguage(language)}
            />
          </Group>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
