import { Center, Loader, MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../modules/auth/auth.api.ts';
import { LoginPage } from '../modules/auth/LoginPage.tsx';
import { MfaEnrolmentPage } from '../modules/auth/MfaEnrolmentPage.tsx';
import { ErrorNotice } from '../shared/ErrorNotice.tsx';
import { ToastProvider } from '../shared/toasts.tsx';
import { AppLayout } from './AppLayout.tsx';
import { createQueryClient } from './query-client.ts';
import { theme } from './theme.ts';

function AuthGate() {
  const session = useSession();
  if (session.isPending) {
    return (
      <Center h="100dvh">
        <Loader aria-label="Loading" />
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

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <AuthGate />
        </ToastProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
