import { Button, Group, Loader, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { withoutBidiControls } from '../../shared/bidi.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime, formatPhone } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { ErrorDetails } from '../automation/ErrorDetails.tsx';
import { useContactSearch, useVipActions, useVips } from './routing.api.ts';

/** VIP customers: left to the owner on the phone (no bot answers, no auto-assignment). */
export function VipSettings() {
  const { t } = useTranslation('settings');
  const vips = useVips();
  const { add, remove } = useVipActions();
  const toasts = useToasts();
  const [q, setQ] = useState('');
  const [contactId, setContactId] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const found = useContactSearch(q);
  if (vips.error) return <ErrorNotice error={vips.error} onRetry={() => vips.refetch()} />;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('vips.intro')}
      </Text>
      {vips.isPending ? (
        <Loader aria-label={t('vips.loading')} />
      ) : vips.data.length === 0 ? (
        <Text c="dimmed">{t('vips.empty')}</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('vips.customer')}</Table.Th>
              <Table.Th>{t('vips.note')}</Table.Th>
              <Table.Th>{t('vips.since')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {vips.data.map((v) => (
              <Table.Tr key={v.contact_id} data-testid="vip-row">
                <Table.Td>
                  <Text size="sm">{v.name ?? formatPhone(v.wa_id)}</Text>
                  <Text size="xs" c="dimmed">
                    {formatPhone(v.wa_id)}
                  </Text>
                </Table.Td>
                <Table.Td>{v.note}</Table.Td>
                <Table.Td>{formatDateTime(v.created_at)}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    aria-label={t('vips.remove', { name: v.name ?? v.wa_id })}
                    onClick={() => remove.mutate(v.contact_id, { onError: toasts.showError })}
                  >
                    {t('common:actions.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group gap="xs" align="flex-end">
        <Select
          label={t('vips.add')}
          placeholder={t('vips.search')}
          searchable
          searchValue={q}
          onSearchChange={setQ}
          filter={({ options }) => options}
          nothingFoundMessage={
            q.trim().length < 2
              ? t('vips.typeTwo')
              : found.isFetching
                ? t('vips.searching')
                : t('vips.noContact')
          }
          data={(found.data ?? []).map((c) => ({
            value: c.id,
            label: `${withoutBidiControls(c.display_name ?? '')} ${formatPhone(c.wa_id)}`.trim(),
          }))}
          value={contactId}
          onChange={setContactId}
          w={320}
        />
        <TextInput
          label={t('vips.note')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          w={240}
        />
        <Button
          disabled={!contactId}
          loading={add.isPending}
          onClick={() =>
            contactId &&
            add.mutate(
              { contact_id: contactId, note: note.trim() || null },
              {
                onSuccess: () => {
                  setContactId(null);
                  setQ('');
                  setNote('');
                },
              },
            )
          }
        >
          {t('vips.mark')}
        </Button>
      </Group>
      {add.error && <ErrorDetails error={add.error} title={t('vips.notAdded')} />}
    </Stack>
  );
}
