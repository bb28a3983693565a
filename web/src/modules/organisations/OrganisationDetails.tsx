import { Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, Organisation, Role } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { InvitationLink } from './InvitationLink.tsx';
import { InvitationsTable } from './InvitationsTable.tsx';
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
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('owner');

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate({ organisationId: organisation.id, email, role }, { onSuccess: () => setEmail('') });
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="organisation-details-heading">
      <Stack gap="md">
        <Title order={4} id="organisation-details-heading">
          {organisation.name}
        </Title>
        <form onSubmit={handleSubmit} aria-label={t('provider.inviteInto', { name: organisation.name })}>
          <Group align="flex-end" wrap="wrap" gap="xs">
            <TextInput
              label={t('invite.email')}
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              w={260}
            />
            <Select
              label={t('members.role')}
              data={ROLES.map((r) => ({ value: r, label: t(`common:roles.${r}`) }))}
              value={role}
              allowDeselect={false}
              onChange={(value) => setRole((value ?? 'owner') as Role)}
              w={150}
            />
            <Button type="submit" loading={invite.isPending}>
              {t('invite.button')}
            </Button>
          </Group>
        </form>
        {invite.error && <ErrorNotice error={invite.error} />}
        {invite.data && <InvitationLink invitation={invite.data} />}
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
