import { Button, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { AuthCard } from './AuthCard.tsx';
import { sessionQueryKey, useLogout } from './auth.api.ts';
import { MfaEnrolmentForm } from './MfaEnrolmentForm.tsx';
import { RecoveryCodeList } from './RecoveryCodeList.tsx';

/** Shown while the signed-in user's role requires MFA and none is set up: QR code, first code, recovery codes. */
export function MfaEnrolmentPage() {
  const queryClient = useQueryClient();
  const logout = useLogout();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  // The session is refetched only on "Continue": refetching earlier would leave this page and hide the codes.
  const handleDone = () => queryClient.invalidateQueries({ queryKey: sessionQueryKey });

  if (recoveryCodes) {
    return (
      <AuthCard>
        <Text size="sm" fw={500}>
          Two-factor authentication is on. Keep these recovery codes somewhere safe; each works once if you
          lose your phone.
        </Text>
        <RecoveryCodeList codes={recoveryCodes} />
        <Button onClick={handleDone}>Continue to the inbox</Button>
      </AuthCard>
    );
  }

  return (
    <AuthCard>
      <MfaEnrolmentForm
        intro="Your role requires two-factor authentication. Scan this code with an authenticator app, then enter the code it shows."
        secondaryAction={
          <Button variant="subtle" onClick={() => logout.mutate()}>
            Sign out
          </Button>
        }
        onEnrolled={setRecoveryCodes}
      />
    </AuthCard>
  );
}
