import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { OneTimeCodeInput } from '../../shared/OneTimeCodeInput.tsx';
import { useLogin } from './auth.api.ts';

type MfaCodeStepProps = { email: string; password: string; onBack: () => void };

/**
 * The second login step: the 6-digit code from the authenticator app, or one of the recovery codes
 * shown at enrolment (each works once) for someone who lost the phone.
 */
export function MfaCodeStep({ email, password, onBack }: MfaCodeStepProps) {
  const { t } = useTranslation('auth');
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const login = useLogin();

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(recovery ? { email, password, recovery_code: code.trim() } : { email, password, code });
  };
  const switchTo = (useRecovery: boolean) => {
    setRecovery(useRecovery);
    setCode('');
    login.reset();
  };

  return (
    <form onSubmit={handleSubmit} aria-label={t('mfa.verification')}>
      <Stack>
        <Text size="sm">{recovery ? t('mfa.enterRecoveryCode') : t('mfa.enterCode')}</Text>
        {recovery ? (
          <TextInput
            key="recovery"
            label={t('mfa.recoveryCode')}
            autoComplete="off"
            spellCheck={false}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
          />
        ) : (
          <OneTimeCodeInput key="totp" value={code} onChange={setCode} />
        )}
        <Button variant="subtle" size="compact-sm" onClick={() => switchTo(!recovery)} w="fit-content">
          {recovery ? t('mfa.useAppCode') : t('mfa.useRecoveryCode')}
        </Button>
        {login.error && (
          <Alert color="red" role="alert">
            {errorMessage(login.error)}
          </Alert>
        )}
        <Group justify="space-between">
          <Button variant="subtle" onClick={onBack}>
            {t('common:actions.back')}
          </Button>
          <Button type="submit" loading={login.isPending}>
            {t('mfa.verify')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
