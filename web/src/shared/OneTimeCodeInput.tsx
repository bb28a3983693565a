import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

type OneTimeCodeInputProps = {
  readonly value: string;
  readonly onChange: (code: string) => void;
  readonly description?: string;
  readonly autoFocus?: boolean;
};

/** The 6-digit code of an authenticator app: digits only, offered by the browser's one-time-code autofill. */
export function OneTimeCodeInput({ value, onChange, description, autoFocus = true }: OneTimeCodeInputProps) {
  const { t } = useTranslation('auth');
  return (
    <TextInput
      label={t('mfa.code')}
      {...(description ? { description } : {})}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      required
      autoFocus={autoFocus}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value.replace(/\D/g, ''))}
    />
  );
}
