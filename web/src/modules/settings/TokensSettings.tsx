import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { useCreateToken, useRevokeToken, useTokens } from './settings.api.ts';

const roles: Role[] = ['admin', 'supervisor', 'agent', 'auditor'];
type Scope = 'read' | 'send' | 'admin';

/** API tokens for integrations: created with a role, shown once, revocable. */
export function TokensSettings() {
  const { t } = useTranslation('settings');
  const scopes = [
    { value: 'read', label: t('tokens.scopeRead') },
    { value: 'send', label: t('tokens.scopeSend') },
    { value: 'admin', label: t('tokens.scopeAdmin') },
  ];
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const toasts = useToasts();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [scope, setScope] = useState<Scope>('send');
  const [limit, setLimit] = useState<number | string>(6000);

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name, role, scope, rate_limit_per_minute: typeof limit === 'number' ? limit : null },
      { onSuccess: () => setName('') },
    );
  };

  return (
    <Stack>
      <form onSubmit={handleSubmit} aria-label={t('tokens.create')}>
        <Group align="flex-end" gap="xs">
          <TextInput
            label={t('tokens.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Select
            label={t('tokens.role')}
            data={roles}
            value={role}
            allowDeselect={false}
            onChange={(r) => setRole((r ?? 'agent') as Role)}
            w={140}
          />
          <Select
            label={t('tokens.scope')}
            data={scopes}
            value={scope}
            allowDeselect={false}
            onChange={(v) => setScope((v ?? 'send') as Scope)}
            w={300}
          />
          <NumberInput
            label={t('tokens.limit')}
            value={limit}
            onChange={setLimit}
            min={1}
            max={100000}
            w={150}
          />
          <Button type="submit" loading={create.isPending}>
            {t('tokens.createButton')}
          </Button>
        </Group>
      </form>
      {create.error && <ErrorNotice error={create.error} />}
      {create.data && (
        <Alert color="teal" title={t('tokens.copyNow')}>
          <Group gap="xs" wrap="nowrap">
            <Code style={{ overflowWrap: 'anywhere' }} data-testid="new-token">
              {create.data.token}
            </Code>
            <CopyButton value={create.data.token}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="light" onClick={copy}>
                  {copied ? t('tokens.copied') : t('common:actions.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      )}
      {tokens.error && <ErrorNotice error={tokens.error} />}
      <Table.ScrollContainer minWidth={600}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('tokens.column.name')}</Table.Th>
              <Table.Th>{t('tokens.column.prefix')}</Table.Th>
              <Table.Th>{t('tokens.role')}</Table.Th>
              <Table.Th>{t('tokens.scope')}</Table.Th>
              <Table.Th>{t('tokens.column.limit')}</Table.Th>
              <Table.Th>{t('tokens.column.lastUsed')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(tokens.data ?? []).map((token) => (
              <Table.Tr key={token.id}>
                <Table.Td>{token.name}</Table.Td>
                <Table.Td>
                  <Code>{token.prefix}…</Code>
                </Table.Td>
                <Table.Td>{token.role}</Table.Td>
                <Table.Td>{token.scope}</Table.Td>
                <Table.Td>{t('tokens.perMinute', { limit: token.rate_limit_per_minute })}</Table.Td>
                <Table.Td>{formatDateTime(token.last_used_at)}</Table.Td>
                <Table.Td>
                  {token.revoked_at ? (
                    <Text size="xs" c="dimmed">
                      {t('tokens.revoked')}
                    </Text>
                  ) : (
                    <Button
                      size="compact-xs"
                      color="red"
                      variant="subtle"
                      onClick={() => revoke.mutate(token.id, { onError: toasts.showError })}
                    >
                      {t('tokens.revoke')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
