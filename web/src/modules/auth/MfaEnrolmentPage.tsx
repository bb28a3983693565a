import { Button, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from './AuthCard.tsx';
import { sessionQueryKey, useLogout } from './auth.api.ts';
import { MfaEnrolmentForm } from './MfaEnrolmentForm.tsx';
import { RecoveryCodeList } from './RecoveryCodeList.tsx';

/** Shown while the signed-in user's role requires MFA and none is set up: QR code, first code, recovery codes. */
export function MfaEnrolmentPage() {
  const { t } = useTranslation('auth');
  const queryClient = useQueryClient();
  const logout = useLogout();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  // The session is refetched only on "Continue": refetching earlier would leave this page and hide the codes.
  const handleDone = () => queryClient.invalidateQueries({ queryKey: sessionQueryKey });

  if (recoveryCodes) {
    return (
      <AuthCard>
        <Text size="sm" fw={500}>
          {t('mfa.onKeepCodes')}
        </Text>
        <RecoveryCodeList codes={recoveryCodes} />
        <Button onClick={handleDone}>{t('mfa.continue')}</Button>
      </AuthCard>
    );
  }

  return (
    <AuthCard>
      <MfaEnrolmentForm
        intro={t('mfa.requiredIntro')}
        secondaryAction={
          <Button variant="subtle" onClick={() => logout.mutate()}>
            {t('app:signOut')}
          </Button>
        }
        onEnrolled={setRecoveryCodes}
      />
    </AuthCard>
  );
}
