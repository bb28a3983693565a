import { Alert, Button, Card, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { MIN_PASSWORD_LENGTH, useChangePassword } from './account.api.ts';

/** Current and new password; on success the user's other sessions end. */
export function PasswordForm() {
  const { t } = useTranslation('account');
  const change = useChangePassword();
  const titleId = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [checked, setChecked] = useState(false);

  const missingCurrent = current === '';
  const tooShort = next.length < MIN_PASSWORD_LENGTH;
  const mismatch = next !== repeat;

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (missingCurrent || tooShort || mismatch) return;
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setRepeat('');
          setChecked(false);
        },
      },
    );
  };

  return (
    <Card withBorder component="section" aria-labelledby={titleId}>
      <form onSubmit={handleSubmit} aria-label={t('password.change')} noValidate>
        <Stack>
          <Title order={4} id={titleId}>
            {t('auth:password')}
          </Title>
          <PasswordInput
            label={t('password.current')}
            autoComplete="current-password"
            required
            value={current}
            error={checked && missingCurrent ? t('password.enterCurrent') : undefined}
            onChange={(e) => setCurrent(e.currentTarget.value)}
          />
          <PasswordInput
            label={t('password.new')}
            description={t('password.atLeast', { count: MIN_PASSWORD_LENGTH })}
            autoComplete="new-password"
            required
            value={next}
            error={checked && tooShort ? t('password.useAtLeast', { count: MIN_PASSWORD_LENGTH }) : undefined}
            onChange={(e) => setNext(e.currentTarget.value)}
          />
          <PasswordInput
            label={t('password.repeat')}
            autoComplete="new-password"
            required
            value={repeat}
            error={checked && !tooShort && mismatch ? t('password.differ') : undefined}
            onChange={(e) => setRepeat(e.currentTarget.value)}
          />
          {change.error && (
            <Alert color="red" role="alert">
              {errorMessage(change.error)}
            </Alert>
          )}
          {change.isSuccess && (
            <Alert color="teal" role="status" data-testid="password-changed">
              {t('password.changed')}
            </Alert>
          )}
          <Text size="xs" c="dimmed">
            {t('password.signsOut')}
          </Text>
          <Button type="submit" loading={change.isPending} w="fit-content">
            {t('password.change')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
