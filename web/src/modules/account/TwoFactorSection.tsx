import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('account');
  return (
    <Stack gap="sm">
      <Text size="sm" fw={500} tabIndex={-1} ref={focusOnMount} data-testid="recovery-codes-notice">
        {shown.reason === 'enrolled' ? t('twoFactor.enrolledCodes') : t('twoFactor.replacedCodes')}
      </Text>
      <RecoveryCodeList codes={shown.codes} />
      <Button onClick={onDone} w="fit-content">
        {t('twoFactor.saved')}
      </Button>
    </Stack>
  );
}

/** Two-factor authentication: set it up, replace the recovery codes, or turn it off where the role allows. */
export function TwoFactorSection({ mfaEnabled, mfaRequired, recoveryCodesRemaining }: TwoFactorSectionProps) {
  const { t } = useTranslation('account');
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
        toasts.showSuccess(t('twoFactor.offToast'));
      },
    });

  const renderBody = () => {
    if (shown) return <ShownRecoveryCodes shown={shown} onDone={() => setShown(null)} />;
    if (!mfaEnabled && mode === 'enrol') {
      return (
        <MfaEnrolmentForm
          intro={t('twoFactor.scan')}
          secondaryAction={
            <Button variant="subtle" onClick={() => setMode('idle')}>
              {t('common:actions.cancel')}
            </Button>
          }
          onEnrolled={handleEnrolled}
        />
      );
    }
    if (!mfaEnabled) {
      return (
        <>
          <Text size="sm">{t('twoFactor.protect')}</Text>
          <Button onClick={() => openMode('enrol')} w="fit-content">
            {t('twoFactor.setUp')}
          </Button>
        </>
      );
    }
    if (mode === 'recovery-codes') {
      return (
        <MfaCodeForm
          label={t('twoFactor.newCodes')}
          explanation={t('twoFactor.newCodesHint')}
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
          label={t('twoFactor.turnOff')}
          explanation={t('twoFactor.turnOffHint')}
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
          <Trans
            t={t}
            i18nKey="twoFactor.remaining"
            count={recoveryCodesRemaining}
            components={{ n: <span data-testid="recovery-codes-remaining" /> }}
          />
        </Text>
        {mfaRequired && (
          <Text size="sm" c="dimmed">
            {t('twoFactor.required')}
          </Text>
        )}
        <Group gap="xs">
          <Button variant="light" onClick={() => openMode('recovery-codes')}>
            {t('twoFactor.newCodes')}
          </Button>
          {!mfaRequired && (
            <Button variant="subtle" color="red" onClick={() => openMode('disable')}>
              {t('twoFactor.turnOff')}
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
            {t('twoFactor.title')}
          </Title>
          <Badge color={mfaEnabled ? 'teal' : 'gray'} data-testid="mfa-status" style={{ flexShrink: 0 }}>
            {mfaEnabled ? t('common:states.on') : t('common:states.off')}
          </Badge>
        </Group>
        {renderBody()}
      </Stack>
    </Card>
  );
}
