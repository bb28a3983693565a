import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, Role, User } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { type NewUser, useCreateUser, useUpdateUser, useUsers } from './settings.api.ts';

const roles: Role[] = ['owner', 'admin', 'supervisor', 'agent', 'auditor'];

function CreateUserForm({ me }: { me: Me }) {
  const { t } = useTranslation('settings');
  const [form, setForm] = useState<NewUser>({ email: '', name: '', role: 'agent' });
  const create = useCreateUser();

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form, { onSuccess: () => setForm({ email: '', name: '', role: 'agent' }) });
  };

  return (
    <form onSubmit={handleSubmit} aria-label={t('users.add')}>
      <Group align="flex-end" wrap="wrap" gap="xs">
        <TextInput
          label={t('users.name')}
          required
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
        />
        <TextInput
          label={t('users.email')}
          type="email"
          required
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
        />
        <Select
          label={t('users.role')}
          data={roles
            .filter((r) => r !== 'owner' || me.role === 'owner')
            .map((r) => ({ value: r, label: t(`common:roles.${r}`) }))}
          value={form.role}
          allowDeselect={false}
          onChange={(role) => setForm({ ...form, role: (role ?? 'agent') as Role })}
          w={140}
        />
        <Button type="submit" loading={create.isPending}>
          {t('users.addButton')}
        </Button>
      </Group>
      {create.error && <ErrorNotice error={create.error} />}
      {create.data?.password && (
        <Alert color="teal" mt="xs">
          {t('users.firstPassword', { name: create.data.user.name })} <Code>{create.data.password}</Code>
        </Alert>
      )}
    </form>
  );
}

function UserRow({ user, me }: { user: User; me: Me }) {
  const { t } = useTranslation('settings');
  const update = useUpdateUser();
  const toasts = useToasts();
  const handlePatch = (patch: { role?: Role; disabled?: boolean; reset_mfa?: boolean }) =>
    update.mutate({ id: user.id, patch }, { onError: toasts.showError });
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {user.name}
        </Text>
        <Text size="xs" c="dimmed">
          {user.email}
        </Text>
      </Table.Td>
      <Table.Td>
        <Select
          size="xs"
          aria-label={t('users.roleOf', { name: user.name })}
          data={roles
            .filter((r) => r !== 'owner' || me.role === 'owner' || user.role === 'owner')
            .map((r) => ({ value: r, label: t(`common:roles.${r}`) }))}
          value={user.role}
          allowDeselect={false}
          onChange={(role) => role && role !== user.role && handlePatch({ role: role as Role })}
          w={130}
        />
      </Table.Td>
      <Table.Td>
        <Badge
          variant="dot"
          color={user.presence === 'online' ? 'teal' : user.presence === 'away' ? 'yellow' : 'gray'}
        >
          {t(`users.presence.${user.presence ?? 'offline'}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        {user.mfa_enabled ? (
          <Button size="compact-xs" variant="subtle" onClick={() => handlePatch({ reset_mfa: true })}>
            {t('users.resetMfa')}
          </Button>
        ) : (
          <Text size="xs" c="dimmed">
            {t('users.mfaOff')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Switch
          size="xs"
          aria-label={t('users.activeOf', { name: user.name })}
          checked={!user.disabled}
          disabled={user.id === me.id}
          onChange={(e) => handlePatch({ disabled: !e.currentTarget.checked })}
        />
      </Table.Td>
    </Table.Tr>
  );
}

/** Users: add with a role, change roles, reset MFA, disable. */
export function UsersSettings({ me }: { me: Me }) {
  const { t } = useTranslation('settings');
  const users = useUsers();
  return (
    <Stack>
      <CreateUserForm me={me} />
      {users.error && <ErrorNotice error={users.error} onRetry={() => users.refetch()} />}
      <Table.ScrollContainer minWidth={600}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('users.user')}</Table.Th>
              <Table.Th>{t('users.role')}</Table.Th>
              <Table.Th>{t('users.presenceTitle')}</Table.Th>
              <Table.Th>{t('users.mfa')}</Table.Th>
              <Table.Th>{t('users.active')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(users.data ?? []).map((user) => (
              <UserRow key={user.id} user={user} me={me} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
