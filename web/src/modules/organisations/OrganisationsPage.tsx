import {
  Badge,
  Box,
  Button,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, Organisation } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime, formatNumber } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { InvitationLink } from './InvitationLink.tsx';
import { OrganisationDetails } from './OrganisationDetails.tsx';
import { useCreateOrganisation, useOrganisations, useSwitchOrganisation } from './organisations.api.ts';

function CreateOrganisationForm() {
  const { t } = useTranslation('organisations');
  const [name, setName] = useState('');
  const [ownerEmail, setOwnerEmail] = useState('');
  const create = useCreateOrganisation();

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name, ...(ownerEmail ? { owner_email: ownerEmail } : {}) },
      {
        onSuccess: () => {
          setName('');
          setOwnerEmail('');
        },
      },
    );
  };

  return (
    <Stack gap="xs">
      <form onSubmit={handleSubmit} aria-label={t('provider.create')}>
        <Group align="flex-end" wrap="wrap" gap="xs">
          <TextInput
            label={t('provider.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={240}
          />
          <TextInput
            label={t('provider.ownerEmail')}
            description={t('provider.ownerEmailHint')}
            type="email"
            value={ownerEmail}
            onChange={(e) => setOwnerEmail(e.currentTarget.value)}
            w={260}
          />
          <Button type="submit" loading={create.isPending}>
            {t('provider.createButton')}
          </Button>
        </Group>
      </form>
      {create.error && <ErrorNotice error={create.error} />}
      {create.data && (
        <Text size="sm" role="status">
          {t('provider.created', { name: create.data.organisation.name })}
        </Text>
      )}
      {create.data?.invitation && <InvitationLink invitation={create.data.invitation} />}
    </Stack>
  );
}

type OrganisationRowProps = {
  organisation: Organisation;
  selected: boolean;
  onSelect: (id: string | null) => void;
};

function OrganisationRow({ organisation, selected, onSelect }: OrganisationRowProps) {
  const { t } = useTranslation('organisations');
  const switchTo = useSwitchOrganisation();
  const toasts = useToasts();
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {organisation.name}
        </Text>
        {organisation.current && (
          <Badge size="xs" variant="light">
            {t('provider.current')}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>{formatNumber(organisation.member_count)}</Table.Td>
      <Table.Td>{formatNumber(organisation.waba_ids.length)}</Table.Td>
      <Table.Td>{formatDateTime(organisation.created_at)}</Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-xs"
            variant={selected ? 'filled' : 'light'}
            aria-expanded={selected}
            aria-label={t('provider.detailsOf', { name: organisation.name })}
            onClick={() => onSelect(selected ? null : organisation.id)}
          >
            {t('provider.details')}
          </Button>
          {!organisation.current && (
            <Button
              size="compact-xs"
              variant="subtle"
              loading={switchTo.isPending}
              aria-label={t('provider.switchTo', { name: organisation.name })}
              onClick={() => switchTo.mutate(organisation.id, { onError: toasts.showError })}
            >
              {t('provider.open')}
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The provider administrator's page: every organisation hosted on the hub, creating one and
 * inviting its owner, and each one's members and invitations.
 */
export function OrganisationsPage({ me }: { me: Me }) {
  const { t } = useTranslation('organisations');
  const organisations = useOrganisations();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = organisations.data?.find((o) => o.id === selectedId);
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Stack gap="lg" maw={960}>
        <div>
          <Title order={3}>{t('provider.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('provider.intro')}
          </Text>
        </div>
        <section aria-labelledby="create-organisation-heading">
          <Title order={4} id="create-organisation-heading" mb="xs">
            {t('provider.create')}
          </Title>
          <CreateOrganisationForm />
        </section>
        <section aria-labelledby="organisations-heading">
          <Title order={4} id="organisations-heading" mb="xs">
            {t('provider.list')}
          </Title>
          {organisations.error && (
            <ErrorNotice error={organisations.error} onRetry={() => organisations.refetch()} />
          )}
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover data-testid="organisations-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('provider.name')}</Table.Th>
                  <Table.Th>{t('provider.members')}</Table.Th>
                  <Table.Th>{t('provider.accounts')}</Table.Th>
                  <Table.Th>{t('provider.createdAt')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('members.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(organisations.data ?? []).map((organisation) => (
                  <OrganisationRow
                    key={organisation.id}
                    organisation={organisation}
                    selected={organisation.id === selectedId}
                    onSelect={setSelectedId}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </section>
        {selected && <OrganisationDetails organisation={selected} me={me} />}
      </Stack>
    </Box>
  );
}
