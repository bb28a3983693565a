import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { useLogin } from './auth.api.ts';

type MfaCodeStepProps = { email: string; password: string; onBack: () => void };

/** The second login step: the 6-digit code from the authenticator app. */
export function MfaCodeStep({ email, password, onBack }: MfaCodeStepProps) {
  const { t } = useTranslation('auth');
  const [code, setCode] = useState('');
  const login = useLogin();

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password, code });
  };

  return (
    <form onSubmit={handleSubmit} aria-label={t('mfa.verification')}>
      <Stack>
        <Text size="sm">{t('mfa.enterCode')}</Text>
        <TextInput
          label={t('mfa.code')}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          autoFocus
          value={code}
          onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))}
        />
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
