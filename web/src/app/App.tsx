import { Center, Loader, MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { i18n } from '../i18n/index.ts';
import { useSession } from '../modules/auth/auth.api.ts';
import { LoginPage } from '../modules/auth/LoginPage.tsx';
import { MfaEnrolmentPage } from '../modules/auth/MfaEnrolmentPage.tsx';
import { InvitationPage } from '../modules/organisations/InvitationPage.tsx';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { useLocation } from '../shared/router.tsx';
import { ToastProvider } from '../shared/toasts.tsx';
import { AppLayout } from './AppLayout.tsx';
import { createQueryClient } from './query-client.ts';
import { theme } from './theme.ts';

function AuthGate() {
  const { t } = useTranslation('app');
  const session = useSession();
  const { path } = useLocation();
  // An invitation link opens before any sign-in: its token is the credential.
  if (path === '/invite') return <InvitationPage />;
  if (session.isPending) {
    return (
      <Center h="100dvh">
        <Loader aria-label={t('loading')} />
      </Center>
    );
  }
  if (session.error) {
    return (
      <Center h="100dvh" p="md">
        <ErrorNotice error={session.error} onRetry={() => session.refetch()} />
      </Center>
    );
  }
  if (!session.data) return <LoginPage />;
  if (session.data.mfa_enrolment_required) return <MfaEnrolmentPage />;
  return <AppLayout me={session.data.user} />;
}

/** Remounts the screens when the language changes, so every date and number is formatted again. */
function LanguageScope() {
  const { i18n: current } = useTranslation();
  return <AuthGate key={current.language} />;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} defaultColorScheme="auto">
        <QueryClientProvider client={queryClient}>
          <ToastProvider>
            <LanguageScope />
          </ToastProvider>
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  );
}
