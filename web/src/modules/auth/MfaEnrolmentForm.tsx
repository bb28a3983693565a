import { Alert, Button, Center, Code, Group, Image, Loader, Stack, Text } from '@mantine/core';
import QRCode from 'qrcode';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { OneTimeCodeInput } from '../../shared/OneTimeCodeInput.tsx';
import { useConfirmMfaEnrolment, useStartMfaEnrolment } from './auth.api.ts';

type MfaEnrolmentFormProps = {
  /** What the user is told above the QR code. */
  intro: ReactNode;
  /** The button left of "Turn on" (sign out, cancel). */
  secondaryAction: ReactNode;
  /** MFA is on; the codes are shown only this once. */
  onEnrolled: (recoveryCodes: string[]) => void;
};

/** Starts enrolment when mounted, shows the QR code and key, and confirms with a first code. */
export function MfaEnrolmentForm({ intro, secondaryAction, onEnrolled }: MfaEnrolmentFormProps) {
  const { t } = useTranslation('auth');
  const start = useStartMfaEnrolment();
  const confirm = useConfirmMfaEnrolment();
  const [code, setCode] = useState('');
  const [qr, setQr] = useState<string | null>(null);
  // React's strict mode runs effects twice; a second enrol would replace the secret just shown.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    start.mutate(undefined, {
      onSuccess: async (enrolment) => {
        setQr(
          enrolment.qr_data_url || (await QRCode.toDataURL(enrolment.otpauth_url, { margin: 1, width: 200 })),
        );
      },
    });
  }, [start]);

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate(code, { onSuccess: (result) => onEnrolled(result.recovery_codes) });
  };

  return (
    <form onSubmit={handleSubmit} aria-label={t('mfa.setUp')}>
      <Stack>
        <Text size="sm">{intro}</Text>
        <Center mih={200}>
          {qr ? (
            <Image src={qr} alt={t('mfa.qrAlt')} w={200} h={200} data-testid="mfa-qr" />
          ) : (
            <Loader size="sm" aria-label={t('mfa.preparingQr')} />
          )}
        </Center>
        {start.data && (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {t('mfa.cantScan')} <Code data-testid="mfa-secret">{start.data.secret}</Code>
          </Text>
        )}
        <OneTimeCodeInput value={code} onChange={setCode} />
        {(start.error || confirm.error) && (
          <Alert color="red" role="alert">
            {errorMessage(start.error ?? confirm.error)}
          </Alert>
        )}
        <Group justify="space-between">
          {secondaryAction}
          <Button type="submit" loading={confirm.isPending} disabled={!start.data}>
            {t('mfa.turnOn')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
