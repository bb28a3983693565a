import { Alert, Button, Loader, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, isApiError } from '../../api/client.ts';
import type { InvitationLookup } from '../../api/types.ts';
import { navigate } from '../../shared/router.tsx';
import { MIN_PASSWORD_LENGTH } from '../account/account.api.ts';
import { AuthCard } from '../auth/AuthCard.tsx';
import { useLogin, useSession } from '../auth/auth.api.ts';
import { MfaCodeStep } from '../auth/MfaCodeStep.tsx';
import { useAcceptInvitation, useInvitationLookup } from './organisations.api.ts';

/** The secret of the link: it travels in the fragment, which browsers never send to a server. */
function tokenOfLink(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, ''));
}

/**
 * The page an invitation link opens (`/invite#<token>`): what it is for, then a new account's
 * name and password (or an existing account's current password), joining, and signing in, where
 * the ordinary sign-in asks for the second factor or has an owner or admin enrol one.
 */
export function InvitationPage() {
  const { t } = useTranslation('organisations');
  const [token] = useState(tokenOfLink);
  const lookup = useInvitationLookup(token);
  const accept = useAcceptInvitation();
  const login = useLogin();
  const session = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [checked, setChecked] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);
  const joined = accept.data;
  // Signing in empties the query cache and a used link no longer looks up: keep what it said.
  const [known, setKnown] = useState<InvitationLookup | null>(null);
  useEffect(() => {
    if (lookup.data) setKnown(lookup.data);
  }, [lookup.data]);
  const invitation = lookup.data ?? known;

  // Signed in after joining: the app takes over (MFA enrolment first where the role needs it).
  const signedInAs = session.data?.user.email;
  const invitee = invitation?.email;
  useEffect(() => {
    if (joined && signedInAs && signedInAs === invitee) navigate('/inbox', { replace: true });
  }, [joined, signedInAs, invitee]);

  if (token.length < 10 || (lookup.error && !invitation)) {
    return (
      <AuthCard>
        <Title order={3}>{t('accept.title')}</Title>
        <Alert color="red" role="alert">
          {lookup.error && !isApiError(lookup.error, 'INVITATION_INVALID')
            ? errorMessage(lookup.error)
            : t('accept.invalid')}
        </Alert>
        <Button variant="light" onClick={() => navigate('/', { replace: true })}>
          {t('accept.toSignIn')}
        </Button>
      </AuthCard>
    );
  }
  if (!invitation) {
    return (
      <AuthCard>
        <Loader aria-label={t('common:states.loading')} />
      </AuthCard>
    );
  }
  const existing = invitation.existing_account;
  const tooShort = !existing && password.length < MIN_PASSWORD_LENGTH;
  const mismatch = !existing && password !== repeat;

  const signIn = () =>
    login.mutate(
      { email: invitation.email, password },
      {
        onError: (error) => {
          if (isApiError(error, 'MFA_REQUIRED')) {
            login.reset();
            setNeedsCode(true);
          }
        },
      },
    );

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (tooShort || mismatch) return;
    accept.mutate({ token, password, ...(existing ? {} : { name }) }, { onSuccess: signIn });
  };

  if (joined && needsCode) {
    return (
      <AuthCard>
        <Text size="sm">{t('accept.joined', { organisation: joined.organisation.name })}</Text>
        <MfaCodeStep email={invitation.email} password={password} onBack={() => setNeedsCode(false)} />
      </AuthCard>
    );
  }

  return (
    <AuthCard>
      <Stack gap="xs">
        <Title order={3}>{t('accept.title')}</Title>
        <Text size="sm">
          {t('accept.intro', {
            organisation: invitation.organisation_name,
            role: t(`common:roles.${invitation.role}`),
          })}
        </Text>
        <Text size="xs" c="dimmed">
          {existing ? t('accept.existing') : t('accept.new')}
        </Text>
      </Stack>
      {joined ? (
        <Stack>
          <Alert color="teal" role="status">
            {t('accept.joined', { organisation: joined.organisation.name })}
          </Alert>
          {login.error && (
            <Alert color="red" role="alert">
              {errorMessage(login.error)}
            </Alert>
          )}
          <Button loading={login.isPending} onClick={signIn}>
            {t('accept.signIn')}
          </Button>
        </Stack>
      ) : (
        <form onSubmit={handleSubmit} aria-label={t('accept.title')}>
          <Stack>
            <TextInput label={t('accept.email')} value={invitation.email} readOnly autoComplete="username" />
            {!existing && (
              <TextInput
                label={t('accept.name')}
                required
                autoComplete="name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
              />
            )}
            <PasswordInput
              label={existing ? t('accept.currentPassword') : t('accept.newPassword')}
              description={existing ? undefined : t('accept.atLeast', { count: MIN_PASSWORD_LENGTH })}
              autoComplete={existing ? 'current-password' : 'new-password'}
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={checked && tooShort ? t('accept.atLeast', { count: MIN_PASSWORD_LENGTH }) : undefined}
            />
            {!existing && (
              <PasswordInput
                label={t('accept.repeatPassword')}
                autoComplete="new-password"
                required
                value={repeat}
                onChange={(e) => setRepeat(e.currentTarget.value)}
                error={checked && mismatch ? t('accept.mismatch') : undefined}
              />
            )}
            {accept.error && (
              <Alert color="red" role="alert">
                {errorMessage(accept.error)}
              </Alert>
            )}
            <Button type="submit" loading={accept.isPending}>
              {t('accept.join', { organisation: invitation.organisation_name })}
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
