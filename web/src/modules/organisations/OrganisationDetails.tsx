import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Me, Organisation } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { InvitationsTable } from './InvitationsTable.tsx';
import { InviteForm } from './InviteForm.tsx';
import { ROLES } from './MembersPage.tsx';
import {
  useInviteToOrganisation,
  useOrganisationInvitations,
  useOrganisationMembers,
} from './organisations.api.ts';

/** One organisation seen by the provider administrator: its members, invitations, and inviting someone. */
export function OrganisationDetails({ organisation, me }: { organisation: Organisation; me: Me }) {
  const { t } = useTranslation('organisations');
  const members = useOrganisationMembers(organisation.id);
  const invitations = useOrganisationInvitations(organisation.id);
  const invite = useInviteToOrganisation();

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="organisation-details-heading">
      <Stack gap="md">
        <Title order={4} id="organisation-details-heading">
          {organisation.name}
        </Title>
        <InviteForm
          label={t('provider.inviteInto', { name: organisation.name })}
          roles={ROLES}
          defaultRole="owner"
          pending={invite.isPending}
          error={invite.error}
          invitation={invite.data}
          onInvite={(email, role, done) =>
            invite.mutate({ organisationId: organisation.id, email, role }, { onSuccess: done })
          }
        />
        <Title order={5}>{t('members.list')}</Title>
        {members.error && <ErrorNotice error={members.error} onRetry={() => members.refetch()} />}
        {members.isSuccess && members.data.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('provider.noMembers')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={480}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('members.person')}</Table.Th>
                  <Table.Th>{t('members.role')}</Table.Th>
                  <Table.Th>{t('members.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(members.data ?? []).map((member) => (
                  <Table.Tr key={member.user_id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {member.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {member.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>{t(`common:roles.${member.role}`)}</Table.Td>
                    <Table.Td>{member.disabled ? t('members.disabled') : t('members.active')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Title order={5}>{t('invitations.title')}</Title>
        <InvitationsTable query={invitations} me={me} />
      </Stack>
    </Paper>
  );
}
