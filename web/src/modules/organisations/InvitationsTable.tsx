import { Badge, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Invitation, Me } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { useRevokeInvitation } from './organisations.api.ts';

const stateColour: Record<Invitation['state'], string> = {
  pending: 'blue',
  accepted: 'teal',
  revoked: 'gray',
  expired: 'yellow',
};

type InvitationsTableProps = { query: UseQueryResult<Invitation[]>; me: Me };

/** An organisation's invitations, newest first; a pending one can be revoked (its link stops working). */
export function InvitationsTable({ query, me }: InvitationsTableProps) {
  const { t } = useTranslation('organisations');
  const revoke = useRevokeInvitation();
  const toasts = useToasts();
  if (query.error) return <ErrorNotice error={query.error} onRetry={() => query.refetch()} />;
  const rows = query.data ?? [];
  if (query.isSuccess && rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('invitations.none')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped data-testid="invitations-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('invitations.email')}</Table.Th>
            <Table.Th>{t('members.role')}</Table.Th>
            <Table.Th>{t('invitations.state')}</Table.Th>
            <Table.Th>{t('invitations.expires')}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t('members.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((invitation) => (
            <Table.Tr key={invitation.id}>
              <Table.Td>{invitation.email}</Table.Td>
              <Table.Td>{t(`common:roles.${invitation.role}`)}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={stateColour[invitation.state]}>
                  {t(`invitations.states.${invitation.state}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(invitation.expires_at)}</Text>
              </Table.Td>
              <Table.Td>
                {invitation.state === 'pending' && (invitation.role !== 'owner' || me.role === 'owner') && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    loading={revoke.isPending && revoke.variables === invitation.id}
                    aria-label={t('invitations.revokeOf', { email: invitation.email })}
                    onClick={() => revoke.mutate(invitation.id, { onError: toasts.showError })}
                  >
                    {t('invitations.revoke')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
