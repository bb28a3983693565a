import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, isApiError } from '../../api/client.ts';
import { AuthCard } from './AuthCard.tsx';
import { useLogin } from './auth.api.ts';
import { MfaCodeStep } from './MfaCodeStep.tsx';

/** Email and password, then the one-time code when the account has two-factor authentication. */
export function LoginPage() {
  const { t } = useTranslation('auth');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const login = useLogin();

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { email, password },
      {
        onError: (error) => {
          if (isApiError(error, 'MFA_REQUIRED')) {
            login.reset();
            setNeedsCode(true);
          }
        },
      },
    );
  };

  const handleUseCode = () => {
    login.reset();
    setNeedsCode(true);
  };

  const handleBack = () => {
    login.reset();
    setNeedsCode(false);
  };

  return (
    <AuthCard>
      {needsCode ? (
        <MfaCodeStep email={email} password={password} onBack={handleBack} />
      ) : (
        <form onSubmit={handleSubmit} aria-label={t('signIn')}>
          <Stack>
            <TextInput
              label={t('email')}
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label={t('password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {login.error && (
              <Alert color="red" role="alert">
                {errorMessage(login.error)}
              </Alert>
            )}
            {isApiError(login.error, 'LOGIN_THROTTLED') && (
              // A locked account still opens to the password with a valid code (docs/security.md).
              <Button variant="subtle" onClick={handleUseCode}>
                {t('haveCode')}
              </Button>
            )}
            <Button type="submit" loading={login.isPending}>
              {t('signIn')}
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
