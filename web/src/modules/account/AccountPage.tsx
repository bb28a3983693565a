import { Box, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import type { Me } from '../../api/types.ts';
import { useSession } from '../auth/auth.api.ts';
import { PasswordForm } from './PasswordForm.tsx';
import { TwoFactorSection } from './TwoFactorSection.tsx';

type AccountPageProps = { me: Me };

function ProfileField({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} fw={500} style={{ overflowWrap: 'anywhere' }} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

/** The signed-in user's own account: who they are, their password and two-factor authentication. */
export function AccountPage({ me }: AccountPageProps) {
  const session = useSession();
  const profileId = useId();
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Stack maw={1000} mx="auto">
        <Title order={3}>Account</Title>
        <Card withBorder component="section" aria-labelledby={profileId}>
          <Title order={4} id={profileId} mb="sm">
            Profile
          </Title>
          <SimpleGrid component="dl" cols={{ base: 1, sm: 3 }} spacing="sm" m={0}>
            <ProfileField label="Name" value={me.name} testId="account-name" />
            <ProfileField label="Email" value={me.email} testId="account-email" />
            <ProfileField label="Role" value={me.role} testId="account-role" />
          </SimpleGrid>
        </Card>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <PasswordForm />
          <TwoFactorSection
            mfaEnabled={me.mfa_enabled ?? false}
            mfaRequired={session.data?.mfa_required ?? false}
            recoveryCodesRemaining={session.data?.recovery_codes_remaining ?? 0}
          />
        </SimpleGrid>
      </Stack>
    </Box>
  );
}
