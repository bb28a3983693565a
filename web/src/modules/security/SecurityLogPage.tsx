import { Badge, Box, Button, Code, Group, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { SECURITY_EVENT_KINDS } from '../../../../src/security/security-kinds.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { type SecurityLogEntry, useSecurityLog } from './security.api.ts';

const KINDS = SECURITY_EVENT_KINDS;

const OUTCOME_COLOR = { succeeded: 'teal', failed: 'orange', refused: 'red' } as const;

function who(entry: SecurityLogEntry): string {
  if (entry.actor_token_id) return `token ${entry.actor_token_id}`;
  if (entry.actor_user_id) return `user ${entry.actor_user_id}`;
  return entry.details.via === 'cli' ? 'command line' : '–';
}

function target(entry: SecurityLogEntry): string {
  if (entry.target_token_id) return `token ${entry.target_token_id}`;
  if (entry.target_user_id) return `user ${entry.target_user_id}`;
  return '–';
}

/**
 * The security log for owners and admins: sign-ins, failures, lockouts, MFA and password changes,
 * user, role and token administration, newest first, with filters. It never holds a secret.
 */
export function SecurityLogPage() {
  const [kind, setKind] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const log = useSecurityLog({
    ...(kind ? { kind } : {}),
    ...(outcome ? { outcome } : {}),
    ...(email.trim() ? { email: email.trim() } : {}),
  });
  const entries = log.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Title order={3}>Security log</Title>
      <Text size="sm" c="dimmed" mb="sm" maw={820}>
        Sign-ins and their failures, lockouts, password and two-factor changes, and user, role and token
        administration. Passwords, codes, tokens and session ids are never recorded.
      </Text>
      <Group mb="md" align="end">
        <Select label="Kind" placeholder="Any" clearable data={[...KINDS]} value={kind} onChange={setKind} />
        <Select
          label="Outcome"
          placeholder="Any"
          clearable
          data={['succeeded', 'failed', 'refused']}
          value={outcome}
          onChange={setOutcome}
        />
        <TextInput label="Email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
      </Group>
      {log.error && <ErrorNotice error={log.error} />}
      <Table striped aria-label="Security log" stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>On</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{new Date(e.at).toLocaleString()}</Table.Td>
              <Table.Td>{e.kind}</Table.Td>
              <Table.Td>
                <Badge color={OUTCOME_COLOR[e.outcome]} variant="light">
                  {e.outcome}
                </Badge>
              </Table.Td>
              <Table.Td>
                <bdi>{e.email ?? '–'}</bdi>
              </Table.Td>
              <Table.Td>{who(e)}</Table.Td>
              <Table.Td>{target(e)}</Table.Td>
              <Table.Td title={e.user_agent ?? undefined}>{e.ip ?? '–'}</Table.Td>
              <Table.Td>
                {Object.keys(e.details).length > 0 && <Code>{JSON.stringify(e.details)}</Code>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!log.isPending && entries.length === 0 && (
        <Text c="dimmed" mt="md">
          No entries.
        </Text>
      )}
      {log.hasNextPage && (
        <Button
          mt="md"
          variant="default"
          loading={log.isFetchingNextPage}
          onClick={() => log.fetchNextPage()}
        >
          Older entries
        </Button>
      )}
    </Box>
  );
}
