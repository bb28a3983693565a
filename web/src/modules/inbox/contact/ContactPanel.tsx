import { Badge, Code, Divider, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Contact, Conversation } from '../../../api/types.ts';
import { withoutBidiControls } from '../../../shared/bidi.ts';
import { formatDateTime, formatListTime, formatPhone } from '../../../shared/format.ts';
import { Link } from '../../../shared/router.tsx';
import { ContactConsentHistory } from '../../consent/ContactConsentHistory.tsx';
import { contactName } from '../contact-name.ts';
import { useContact, useContactConversations } from '../inbox.api.ts';

type ContactPanelProps = { conversation: Conversation };

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={110} fw={500} c="dimmed" fz="xs">
        {label}
      </Table.Th>
      <Table.Td fz="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Table.Td>
    </Table.Tr>
  );
}

function attributeText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Who the customer is: identifiers, opt-out state, attributes and earlier conversations. */
export function ContactPanel({ conversation }: ContactPanelProps) {
  const { t } = useTranslation('inbox');
  const full = useContact(conversation.contact_id);
  const contact: Contact | null = full.data ?? conversation.contact;
  const others = useContactConversations(conversation.contact);
  const earlier = (others.data ?? []).filter((c) => c.id !== conversation.id);
  if (!contact) return null;
  const attributes = Object.entries(contact.attributes ?? {});

  return (
    <Stack p="md" gap="sm" data-testid="contact-panel">
      <div>
        <Title order={4}>{contactName(contact)}</Title>
        {contact.marketing_opt_out ? (
          <Badge color="red" variant="light" mt={4} data-testid="opt-out">
            {t('contact.optedOut')}
            {contact.marketing_opt_out_at ? ` · ${formatListTime(contact.marketing_opt_out_at)}` : ''}
          </Badge>
        ) : (
          <Badge color="teal" variant="light" mt={4}>
            {t('contact.marketingAllowed')}
          </Badge>
        )}
      </div>
      <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing={4}>
        <Table.Tbody>
          <Field label={t('contact.phone')}>
            {contact.wa_id ? formatPhone(contact.wa_id) : <Text c="dimmed">{t('contact.hidden')}</Text>}
          </Field>
          <Field label={t('contact.bsuid')}>{contact.bsuid ? <Code>{contact.bsuid}</Code> : '—'}</Field>
          <Field label={t('contact.username')}>{contact.username ? `@${contact.username}` : '—'}</Field>
          <Field label={t('contact.profileName')}>
            {contact.profile_name ? withoutBidiControls(contact.profile_name) : '—'}
          </Field>
          {contact.address_book_name && (
            <Field label={t('contact.addressBook')}>{contact.address_book_name}</Field>
          )}
          <Field label={t('contact.since')}>{formatDateTime(contact.created_at)}</Field>
        </Table.Tbody>
      </Table>
      {(contact.number_changes ?? []).length > 0 && (
        <Text size="xs" c="dimmed">
          {t('contact.changedNumber')}{' '}
          {(contact.number_changes ?? [])
            .map((c) => `${formatPhone(c.old_wa_id)} → ${formatPhone(c.new_wa_id)}`)
            .join(', ')}
        </Text>
      )}
      <Divider label={t('contact.attributes')} labelPosition="left" />
      {attributes.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('contact.noAttributes')}
        </Text>
      ) : (
        <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing={4}>
          <Table.Tbody>
            {attributes.map(([key, value]) => (
              <Field key={key} label={key}>
                {attributeText(value)}
              </Field>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ContactConsentHistory contactId={contact.id} canAct />
      <Divider label={t('contact.earlier')} labelPosition="left" />
      {earlier.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('contact.none')}
        </Text>
      ) : (
        <Stack gap={4}>
          {earlier.map((c) => (
            <Link key={c.id} to={`/inbox/${c.id}`} style={{ color: 'inherit', fontSize: 13 }}>
              {formatListTime(c.last_message_at)} ·{' '}
              {c.status === 'open' || c.status === 'pending' || c.status === 'resolved'
                ? t(`header.status.${c.status}`)
                : c.status}{' '}
              · {c.last_message_preview ?? ''}
            </Link>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
