import { Alert, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { OneTimeCodeInput } from '../../shared/OneTimeCodeInput.tsx';

export type MfaCodeFormValues = { code: string; password: string };

type MfaCodeFormProps = {
  /** The form's accessible name, also the submit button's label. */
  label: string;
  explanation: string;
  /** Also ask for the password (turning MFA off). */
  withPassword?: boolean;
  submitColor?: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: MfaCodeFormValues) => void;
  onCancel: () => void;
};

/** A current authenticator code (and, when asked, the password) to confirm a two-factor change. */
export function MfaCodeForm(props: MfaCodeFormProps) {
  const { t } = useTranslation('account');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit({ code, password });
  };

  return (
    <form onSubmit={handleSubmit} aria-label={props.label}>
      <Stack gap="sm">
        <Text size="sm">{props.explanation}</Text>
        {props.withPassword && (
          <PasswordInput
            label={t('auth:password')}
            autoComplete="current-password"
            required
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
        )}
        <OneTimeCodeInput
          description={t('codeHint')}
          autoFocus={!props.withPassword}
          value={code}
          onChange={setCode}
        />
        {props.error !== null && props.error !== undefined && (
          <Alert color="red" role="alert">
            {errorMessage(props.error)}
          </Alert>
        )}
        <Group justify="space-between">
          <Button variant="subtle" onClick={props.onCancel}>
            {t('common:actions.cancel')}
          </Button>
          <Button type="submit" color={props.submitColor} loading={props.pending}>
            {props.label}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
