import {
  Alert,
  Button,
  Center,
  Code,
  Group,
  Image,
  List,
  Loader,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { AuthCard } from './AuthCard.tsx';
import { sessionQueryKey, useConfirmMfaEnrolment, useLogout, useStartMfaEnrolment } from './auth.api.ts';

/** Shown while the signed-in user's role requires MFA and none is set up: QR code, first code, recovery codes. */
export function MfaEnrolmentPage() {
  const queryClient = useQueryClient();
  const start = useStartMfaEnrolment();
  const confirm = useConfirmMfaEnrolment();
  const logout = useLogout();
  const [code, setCode] = useState('');
  const [qr, setQr] = useState<string | null>(null);
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
    confirm.mutate(code);
  };
  const handleDone = () => queryClient.invalidateQueries({ queryKey: sessionQueryKey });

  if (confirm.data) {
    return (
      <AuthCard>
        <Text size="sm" fw={500}>
          Two-factor authentication is on. Keep these recovery codes somewhere safe; each works once if you
          lose your phone.
        </Text>
        <List size="sm" data-testid="recovery-codes">
          {confirm.data.recovery_codes.map((c) => (
            <List.Item key={c}>
              <Code>{c}</Code>
            </List.Item>
          ))}
        </List>
        <Button onClick={handleDone}>Continue to the inbox</Button>
      </AuthCard>
    );
  }

  return (
    <AuthCard>
      <form onSubmit={handleSubmit} aria-label="Set up two-factor authentication">
        <Stack>
          <Text size="sm">
            Your role requires two-factor authentication. Scan this code with an authenticator app, then enter
            the code it shows.
          </Text>
          <Center mih={200}>
            {qr ? (
              <Image src={qr} alt="QR code for your authenticator app" w={200} h={200} data-testid="mfa-qr" />
            ) : (
              <Loader size="sm" aria-label="Preparing the QR code" />
            )}
          </Center>
          {start.data && (
            <Text size="xs" c="dimmed">
              Can't scan? Enter this key: <Code data-testid="mfa-secret">{start.data.secret}</Code>
            </Text>
          )}
          <TextInput
            label="One-time code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))}
          />
          {(start.error || confirm.error) && (
            <Alert color="red" role="alert">
              {errorMessage(start.error ?? confirm.error)}
            </Alert>
          )}
          <Group justify="space-between">
            <Button variant="subtle" onClick={() => logout.mutate()}>
              Sign out
            </Button>
            <Button type="submit" loading={confirm.isPending} disabled={!start.data}>
              Turn on
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthCard>
  );
}
