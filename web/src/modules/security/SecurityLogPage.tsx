import { Badge, Box, Button, Code, Group, Select, Table, Text, TextInput, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SECURITY_EVENT_KINDS } from '../../../../src/security/security-kinds.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { type SecurityLogEntry, useSecurityLog } from './security.api.ts';

const KINDS = SECURITY_EVENT_KINDS;

const OUTCOME_COLOR = { succeeded: 'teal', failed: 'orange', refused: 'red' } as const;

function who(entry: SecurityLogEntry, t: TFunction<'security'>): string {
  if (entry.actor_token_id) return t('token', { id: entry.actor_token_id });
  if (entry.actor_user_id) return t('user', { id: entry.actor_user_id });
  return entry.details.via === 'cli' ? t('cli') : '–';
}

function target(entry: SecurityLogEntry, t: TFunction<'security'>): string {
  if (entry.target_token_id) return t('token', { id: entry.target_token_id });
  if (entry.target_user_id) return t('user', { id: entry.target_user_id });
  return '–';
}

/**
 * The security log for owners and admins: sign-ins, failures, lockouts, MFA and password changes,
 * user, role and token administration, newest first, with filters. It never holds a secret.
 */
export function SecurityLogPage() {
  const { t } = useTranslation('security');
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
      <Title order={3}>{t('app:nav.securityLog')}</Title>
      <Text size="sm" c="dimmed" mb="sm" maw={820}>
        {t('intro')}
      </Text>
      <Group mb="md" align="end">
        <Select
          label={t('kind')}
          placeholder={t('any')}
          clearable
          data={[...KINDS]}
          value={kind}
          onChange={setKind}
        />
        <Select
          label={t('outcome')}
          placeholder={t('any')}
          clearable
          data={(['succeeded', 'failed', 'refused'] as const).map((value) => ({
            value,
            label: t(`outcomes.${value}`),
          }))}
          value={outcome}
          onChange={setOutcome}
        />
        <TextInput label={t('email')} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
      </Group>
      {log.error && <ErrorNotice error={log.error} />}
      <Table striped aria-label={t('app:nav.securityLog')} stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('when')}</Table.Th>
            <Table.Th>{t('what')}</Table.Th>
            <Table.Th>{t('outcome')}</Table.Th>
            <Table.Th>{t('email')}</Table.Th>
            <Table.Th>{t('by')}</Table.Th>
            <Table.Th>{t('on')}</Table.Th>
            <Table.Th>{t('address')}</Table.Th>
            <Table.Th>{t('details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{formatDateTime(e.at)}</Table.Td>
              <Table.Td>{e.kind}</Table.Td>
              <Table.Td>
                <Badge color={OUTCOME_COLOR[e.outcome]} variant="light">
                  {t(`outcomes.${e.outcome}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <bdi>{e.email ?? '–'}</bdi>
              </Table.Td>
              <Table.Td>{who(e, t)}</Table.Td>
              <Table.Td>{target(e, t)}</Table.Td>
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
          {t('none')}
        </Text>
      )}
      {log.hasNextPage && (
        <Button
          mt="md"
          variant="default"
          loading={log.isFetchingNextPage}
          onClick={() => log.fetchNextPage()}
        >
          {t('older')}
        </Button>
      )}
    </Box>
  );
}
