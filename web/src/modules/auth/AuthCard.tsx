import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** The centred card the sign-in screens share. */
export function AuthCard({ children }: { children: ReactNode }) {
  return (
    <Center mih="100dvh" p="md" style={{ overflowY: 'auto' }}>
      <Paper withBorder shadow="sm" p="xl" radius="md" w={420} maw="100%">
        <Stack>
          <div>
            <Title order={2}>Coexist</Title>
            <Text c="dimmed" size="sm">
              Team inbox for your WhatsApp Business number
            </Text>
          </div>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
