import { Badge, Box, Button, Group, Select, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, Role, User } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useSession } from '../auth/auth.api.ts';
import { InvitationsTable } from './InvitationsTable.tsx';
import { InviteForm } from './InviteForm.tsx';
import {
  useChangeRole,
  useInvitations,
  useInvite,
  useMembers,
  useRemoveMember,
} from './organisations.api.ts';

export const ROLES: readonly Role[] = ['owner', 'admin', 'supervisor', 'agent', 'auditor'];

/** The roles the signed-in user may hand out: only owners make owners (the server checks it too). */
export function assignableRoles(me: Me, keep?: Role): Role[] {
  return ROLES.filter((r) => r !== 'owner' || me.role === 'owner' || keep === 'owner');
}

function InviteToMine({ me }: { me: Me }) {
  const { t } = useTranslation('organisations');
  const invite = useInvite();
  return (
    <Stack gap="xs">
      <InviteForm
        label={t('invite.title')}
        roles={assignableRoles(me)}
        defaultRole="agent"
        pending={invite.isPending}
        error={invite.error}
        invitation={invite.data}
        onInvite={(email, role, done) => invite.mutate({ email, role }, { onSuccess: done })}
      />
    </Stack>
  );
}

function MemberRow({ user, me }: { user: User; me: Me }) {
  const { t } = useTranslation('organisations');
  const changeRole = useChangeRole();
  const remove = useRemoveMember();
  const toasts = useToasts();
  const [confirming, setConfirming] = useState(false);
  const self = user.id === me.id;

  const handleRole = (role: string | null) => {
    if (!role || role === user.role) return;
    changeRole.mutate({ id: user.id, role: role as Role }, { onError: toasts.showError });
  };
  const handleRemove = () =>
    remove.mutate(user.id, {
      onSuccess: () => toasts.showSuccess(t('members.removed', { name: user.name })),
      onError: toasts.showError,
      onSettled: () => setConfirming(false),
    });

  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {user.name}
          {self && (
            <Text span size="xs" c="dimmed" ml={6}>
              {t('members.you')}
            </Text>
          )}
        </Text>
        <Text size="xs" c="dimmed">
          {user.email}
        </Text>
      </Table.Td>
      <Table.Td>
        <Select
          size="xs"
          aria-label={t('members.roleOf', { name: user.name })}
          data={assignableRoles(me, user.role).map((r) => ({ value: r, label: t(`common:roles.${r}`) }))}
          value={user.role}
          allowDeselect={false}
          disabled={self || user.disabled}
          onChange={handleRole}
          w={140}
        />
      </Table.Td>
      <Table.Td>
        {user.disabled ? (
          <Badge color="gray" variant="light">
            {t('members.disabled')}
          </Badge>
        ) : (
          <Badge color="teal" variant="light">
            {t('members.active')}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        {!self && !user.disabled && (
          <Group gap={4} wrap="nowrap">
            {confirming ? (
              <>
                <Button size="compact-xs" color="red" loading={remove.isPending} onClick={handleRemove}>
                  {t('members.confirmRemove', { name: user.name })}
                </Button>
                <Button size="compact-xs" variant="subtle" onClick={() => setConfirming(false)}>
                  {t('common:actions.cancel')}
                </Button>
              </>
            ) : (
              <Button
                size="compact-xs"
                variant="subtle"
                color="red"
                aria-label={t('members.removeOf', { name: user.name })}
                onClick={() => setConfirming(true)}
              >
                {t('common:actions.remove')}
              </Button>
            )}
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The current organisation's people: its members with their role here (change it, remove them),
 * inviting someone by email with a role, and the invitations still pending (revoke them).
 */
export function MembersPage({ me }: { me: Me }) {
  const { t } = useTranslation('organisations');
  const session = useSession();
  const members = useMembers();
  const invitations = useInvitations();
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Stack gap="lg" maw={960}>
        <div>
          <Title order={3}>{t('members.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('members.intro', { organisation: session.data?.organisation.name ?? '' })}
          </Text>
        </div>
        <section aria-labelledby="invite-heading">
          <Title order={4} id="invite-heading" mb="xs">
            {t('invite.title')}
          </Title>
          <InviteToMine me={me} />
        </section>
        <section aria-labelledby="members-heading">
          <Title order={4} id="members-heading" mb="xs">
            {t('members.list')}
          </Title>
          {members.error && <ErrorNotice error={members.error} onRetry={() => members.refetch()} />}
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover data-testid="members-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('members.person')}</Table.Th>
                  <Table.Th>{t('members.role')}</Table.Th>
                  <Table.Th>{t('members.status')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('members.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(members.data ?? []).map((user) => (
                  <MemberRow key={user.id} user={user} me={me} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </section>
        <section aria-labelledby="invitations-heading">
          <Title order={4} id="invitations-heading" mb="xs">
            {t('invitations.title')}
          </Title>
          <InvitationsTable query={invitations} me={me} />
        </section>
      </Stack>
    </Box>
  );
}
