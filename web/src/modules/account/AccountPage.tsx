import { Box, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../api/types.ts';
import { setLanguage } from '../../i18n/index.ts';
import { LanguagePicker } from '../../i18n/LanguagePicker.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useSession } from '../auth/auth.api.ts';
import { useSetLanguage } from './account.api.ts';
import { PasswordForm } from './PasswordForm.tsx';
import { TwoFactorSection } from './TwoFactorSection.tsx';

type AccountPageProps = { me: Me };

function ProfileField({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} fw={500} style={{ overflowWrap: 'anywhere' }} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

/** The signed-in user's own account: who they are, their password and two-factor authentication. */
export function AccountPage({ me }: AccountPageProps) {
  const { t } = useTranslation('account');
  const session = useSession();
  const profileId = useId();
  const saveLanguage = useSetLanguage();
  const toasts = useToasts();
  const handleLanguage = (language: Me['language']) => {
    setLanguage(language);
    saveLanguage.mutate(language, { onError: toasts.showError });
  };
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Stack maw={1000} mx="auto">
        <Title order={3}>{t('title')}</Title>
        <Card withBorder component="section" aria-labelledby={profileId}>
          <Title order={4} id={profileId} mb="sm">
            {t('profile')}
          </Title>
          <SimpleGrid component="dl" cols={{ base: 1, sm: 3 }} spacing="sm" m={0}>
            <ProfileField label={t('name')} value={me.name} testId="account-name" />
            <ProfileField label={t('email')} value={me.email} testId="account-email" />
            <ProfileField label={t('role')} value={t(`common:roles.${me.role}`)} testId="account-role" />
          </SimpleGrid>
          <Box maw={280} mt="sm">
            <LanguagePicker
              allowDefault
              value={me.language}
              disabled={saveLanguage.isPending}
              onChange={handleLanguage}
            />
          </Box>
        </Card>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <PasswordForm />
          <TwoFactorSection
            mfaEnabled={me.mfa_enabled ?? false}
            mfaRequired={session.data?.mfa_required ?? false}
            recoveryCodesRemaining={session.data?.recovery_codes_remaining ?? 0}
          />
        </SimpleGrid>
      </Stack>
    </Box>
  );
}
