import { Alert, Button, Card, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useId, useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { MIN_PASSWORD_LENGTH, useChangePassword } from './account.api.ts';

/** Current and new password; on success the user's other sessions end. */
export function PasswordForm() {
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
      <form onSubmit={handleSubmit} aria-label="Change password" noValidate>
        <Stack>
          <Title order={4} id={titleId}>
            Password
          </Title>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            value={current}
            error={checked && missingCurrent ? 'Enter your current password.' : undefined}
            onChange={(e) => setCurrent(e.currentTarget.value)}
          />
          <PasswordInput
            label="New password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            autoComplete="new-password"
            required
            value={next}
            error={checked && tooShort ? `Use at least ${MIN_PASSWORD_LENGTH} characters.` : undefined}
            onChange={(e) => setNext(e.currentTarget.value)}
          />
          <PasswordInput
            label="Repeat the new password"
            autoComplete="new-password"
            required
            value={repeat}
            error={checked && !tooShort && mismatch ? 'The two new passwords differ.' : undefined}
            onChange={(e) => setRepeat(e.currentTarget.value)}
          />
          {change.error && (
            <Alert color="red" role="alert">
              {errorMessage(change.error)}
            </Alert>
          )}
          {change.isSuccess && (
            <Alert color="teal" role="status" data-testid="password-changed">
              Password changed. You were signed out on your other devices.
            </Alert>
          )}
          <Text size="xs" c="dimmed">
            Changing it signs you out everywhere else.
          </Text>
          <Button type="submit" loading={change.isPending} w="fit-content">
            Change password
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
