import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useToasts } from '../../shared/toasts.tsx';
import { sessionQueryKey } from '../auth/auth.api.ts';
import { MfaEnrolmentForm } from '../auth/MfaEnrolmentForm.tsx';
import { RecoveryCodeList } from '../auth/RecoveryCodeList.tsx';
import { useDisableMfa, useRegenerateRecoveryCodes } from './account.api.ts';
import { MfaCodeForm } from './MfaCodeForm.tsx';

type TwoFactorSectionProps = { mfaEnabled: boolean; mfaRequired: boolean; recoveryCodesRemaining: number };

type Mode = 'idle' | 'enrol' | 'recovery-codes' | 'disable';

type ShownCodes = { codes: string[]; reason: 'enrolled' | 'replaced' };

// Stable, so focus moves to the codes once when they appear, not on every re-render.
const focusOnMount = (element: HTMLElement | null) => element?.focus();

function ShownRecoveryCodes({ shown, onDone }: { shown: ShownCodes; onDone: () => void }) {
  return (
    <Stack gap="sm">
      <Text size="sm" fw={500} tabIndex={-1} ref={focusOnMount} data-testid="recovery-codes-notice">
        {shown.reason === 'enrolled'
          ? 'Two-factor authentication is on. Keep these recovery codes somewhere safe; each works once if you lose your phone. They are shown only now.'
          : 'Your new recovery codes. The old ones no longer work. Keep these somewhere safe; they are shown only now.'}
      </Text>
      <RecoveryCodeList codes={shown.codes} />
      <Button onClick={onDone} w="fit-content">
        I saved them
      </Button>
    </Stack>
  );
}

/** Two-factor authentication: set it up, replace the recovery codes, or turn it off where the role allows. */
export function TwoFactorSection({ mfaEnabled, mfaRequired, recoveryCodesRemaining }: TwoFactorSectionProps) {
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const regenerate = useRegenerateRecoveryCodes();
  const disable = useDisableMfa();
  const titleId = useId();
  const [mode, setMode] = useState<Mode>('idle');
  const [shown, setShown] = useState<ShownCodes | null>(null);

  const openMode = (next: Mode) => {
    regenerate.reset();
    disable.reset();
    setMode(next);
  };
  const handleEnrolled = (codes: string[]) => {
    setShown({ codes, reason: 'enrolled' });
    setMode('idle');
    void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
  };
  const handleRegenerate = ({ code }: { code: string }) =>
    regenerate.mutate(code, {
      onSuccess: (result) => {
        setShown({ codes: result.recovery_codes, reason: 'replaced' });
        setMode('idle');
      },
    });
  const handleDisable = (values: { code: string; password: string }) =>
    disable.mutate(values, {
      onSuccess: () => {
        setMode('idle');
        toasts.showSuccess('Two-factor authentication is off.');
      },
    });

  const renderBody = () => {
    if (shown) return <ShownRecoveryCodes shown={shown} onDone={() => setShown(null)} />;
    if (!mfaEnabled && mode === 'enrol') {
      return (
        <MfaEnrolmentForm
          intro="Scan this code with an authenticator app, then enter the code it shows."
          secondaryAction={
            <Button variant="subtle" onClick={() => setMode('idle')}>
              Cancel
            </Button>
          }
          onEnrolled={handleEnrolled}
        />
      );
    }
    if (!mfaEnabled) {
      return (
        <>
          <Text size="sm">
            Protect your account with a one-time code from an authenticator app, asked after your password.
          </Text>
          <Button onClick={() => openMode('enrol')} w="fit-content">
            Set up
          </Button>
        </>
      );
    }
    if (mode === 'recovery-codes') {
      return (
        <MfaCodeForm
          label="New recovery codes"
          explanation="You get 10 new recovery codes; the old ones stop working."
          pending={regenerate.isPending}
          error={regenerate.error}
          onSubmit={handleRegenerate}
          onCancel={() => setMode('idle')}
        />
      );
    }
    if (mode === 'disable' && !mfaRequired) {
      return (
        <MfaCodeForm
          label="Turn off"
          explanation="Signing in will need only your password, and your recovery codes stop working."
          withPassword
          submitColor="red"
          pending={disable.isPending}
          error={disable.error}
          onSubmit={handleDisable}
          onCancel={() => setMode('idle')}
        />
      );
    }
    return (
      <>
        <Text size="sm" c={recoveryCodesRemaining <= 3 ? 'orange' : undefined}>
          <span data-testid="recovery-codes-remaining">{recoveryCodesRemaining}</span> recovery{' '}
          {recoveryCodesRemaining === 1 ? 'code' : 'codes'} remaining.
        </Text>
        {mfaRequired && (
          <Text size="sm" c="dimmed">
            Your role requires two-factor authentication, so it cannot be turned off.
          </Text>
        )}
        <Group gap="xs">
          <Button variant="light" onClick={() => openMode('recovery-codes')}>
            New recovery codes
          </Button>
          {!mfaRequired && (
            <Button variant="subtle" color="red" onClick={() => openMode('disable')}>
              Turn off
            </Button>
          )}
        </Group>
      </>
    );
  };

  return (
    <Card withBorder component="section" aria-labelledby={titleId}>
      <Stack>
        <Group justify="space-between" wrap="nowrap">
          <Title order={4} id={titleId}>
            Two-factor authentication
          </Title>
          <Badge color={mfaEnabled ? 'teal' : 'gray'} data-testid="mfa-status" style={{ flexShrink: 0 }}>
            {mfaEnabled ? 'On' : 'Off'}
          </Badge>
        </Group>
        {renderBody()}
      </Stack>
    </Card>
  );
}
