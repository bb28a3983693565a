import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from './router.tsx';

/** Shown when a role opens a screen it may not use; the API refuses the data anyway. */
export function Forbidden() {
  return (
    <Center h="100%" p="md">
      <Stack align="center" gap="xs" data-testid="forbidden">
        <Title order={3}>You don't have access to this page</Title>
        <Text c="dimmed">Ask an admin if you need it.</Text>
        <Button component={Link} to="/inbox" variant="light">
          Back to the inbox
        </Button>
      </Stack>
    </Center>
  );
}
