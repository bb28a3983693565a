import {
  Button,
  Card,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { useNumbers } from '../inbox/inbox.api.ts';
import {
  type SegmentFilter,
  useAudienceCount,
  useDeleteSegment,
  useSaveSegment,
  useSegments,
} from './audiences.api.ts';

type Attr = { key: string; op: 'eq' | 'neq' | 'contains' | 'exists' | 'not_exists'; value: string };

/**
 * The attribute condition once it is complete: a key, and a value unless the operator is "is set" or
 * "is not set". A half-typed one (`city equals` and no value yet) selects nobody, so it is left out
 * rather than dropping the live count to 0 while the value is being typed.
 */
function attributeCondition(attr: Attr) {
  const key = attr.key.trim();
  const unary = attr.op === 'exists' || attr.op === 'not_exists';
  if (!key || (!unary && !attr.value)) return null;
  return { key, op: attr.op, ...(unary ? {} : { value: attr.value }) };
}

/** Builds a segment from filters with a live count of the contacts it selects, and saves it. */
export function SegmentBuilder() {
  const { t } = useTranslation('audiences');
  const numbers = useNumbers();
  const segments = useSegments();
  const save = useSaveSegment();
  const remove = useDeleteSegment();
  const [editing, setEditing] = useState<string | undefined>();
  const [name, setName] = useState('');
  const [numberId, setNumberId] = useState<string | null>(null);
  const [consent, setConsent] = useState<string[]>([]);
  const [status, setStatus] = useState<string[]>([]);
  const [attr, setAttr] = useState<Attr>({ key: '', op: 'eq', value: '' });
  const [lastCustomerDays, setLastCustomerDays] = useState<number | string>('');
  const [noOutboundDays, setNoOutboundDays] = useState<number | string>('');
  const [createdAfter, setCreatedAfter] = useState('');

  const condition = attributeCondition(attr);
  const filter: SegmentFilter = {
    ...(numberId ? { phone_number_id: numberId } : {}),
    ...(consent.length ? { consent: consent as SegmentFilter['consent'] } : {}),
    ...(status.length ? { conversation_status: status as SegmentFilter['conversation_status'] } : {}),
    ...(condition ? { attributes: [condition] } : {}),
    ...(typeof lastCustomerDays === 'number'
      ? { last_customer_message: { within_days: lastCustomerDays } }
      : {}),
    ...(typeof noOutboundDays === 'number'
      ? { last_outbound: { before: new Date(Date.now() - noOutboundDays * 86_400_000).toISOString() } }
      : {}),
    ...(createdAfter && !Number.isNaN(Date.parse(createdAfter))
      ? { created: { after: new Date(createdAfter).toISOString() } }
      : {}),
  };
  const count = useAudienceCount(filter);

  const load = (id: string) => {
    const s = segments.data?.data.find((x) => x.id === id);
    if (!s) return;
    setEditing(s.id);
    setName(s.name);
    setNumberId(s.filter.phone_number_id ?? null);
    setConsent(s.filter.consent ?? []);
    setStatus(s.filter.conversation_status ?? []);
    const a = s.filter.attributes?.[0];
    setAttr(a ? { key: a.key, op: a.op, value: a.value ?? '' } : { key: '', op: 'eq', value: '' });
    setLastCustomerDays(s.filter.last_customer_message?.within_days ?? '');
    setCreatedAfter(s.filter.created?.after?.slice(0, 10) ?? '');
  };

  return (
    <Group align="flex-start" gap="lg" wrap="wrap">
      <Card withBorder w={460} padding="md">
        <Stack gap="sm">
          <Title order={4}>{editing ? t('segments.edit') : t('segments.new')}</Title>
          <TextInput
            label={t('segments.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
          />
          <Select
            label={t('import.number')}
            clearable
            placeholder={t('segments.anyNumber')}
            value={numberId}
            onChange={setNumberId}
            data={(numbers.data ?? []).map((n) => ({
              value: n.id,
              label: `${n.verified_name ?? ''} ${n.display_phone_number}`,
            }))}
          />
          <MultiSelect
            label={t('segments.consent')}
            placeholder={t('segments.any')}
            value={consent}
            onChange={setConsent}
            data={[
              { value: 'opted_in', label: t('segments.optedIn') },
              { value: 'opted_out', label: t('segments.optedOut') },
              { value: 'none', label: t('segments.noRecord') },
            ]}
          />
          <MultiSelect
            label={t('segments.status')}
            placeholder={t('segments.any')}
            value={status}
            onChange={setStatus}
            data={[
              { value: 'open', label: t('inbox:header.status.open') },
              { value: 'pending', label: t('inbox:header.status.pending') },
              { value: 'resolved', label: t('inbox:header.status.resolved') },
            ]}
          />
          <Group gap="xs" grow>
            <TextInput
              label={t('segments.attribute')}
              placeholder={t('segments.attributeExample')}
              value={attr.key}
              onChange={(e) => setAttr({ ...attr, key: e.currentTarget.value })}
            />
            <Select
              label={t('segments.op')}
              value={attr.op}
              onChange={(v) => setAttr({ ...attr, op: (v ?? 'eq') as Attr['op'] })}
              data={[
                { value: 'eq', label: t('segments.ops.eq') },
                { value: 'neq', label: t('segments.ops.neq') },
                { value: 'contains', label: t('segments.ops.contains') },
                { value: 'exists', label: t('segments.ops.exists') },
                { value: 'not_exists', label: t('segments.ops.notExists') },
              ]}
            />
            <TextInput
              label={t('segments.value')}
              value={attr.value}
              onChange={(e) => setAttr({ ...attr, value: e.currentTarget.value })}
            />
          </Group>
          <Group gap="xs" grow>
            <NumberInput
              label={t('segments.lastCustomer')}
              min={1}
              value={lastCustomerDays}
              onChange={setLastCustomerDays}
            />
            <NumberInput
              label={t('segments.noOutbound')}
              min={1}
              value={noOutboundDays}
              onChange={setNoOutboundDays}
            />
          </Group>
          <TextInput
            label={t('segments.createdAfter')}
            type="date"
            value={createdAfter}
            onChange={(e) => setCreatedAfter(e.currentTarget.value)}
          />
          <Text size="lg" fw={600} data-testid="segment-count" aria-live="polite">
            {count.data ? t('segments.count', { count: count.data.count }) : '…'}
          </Text>
          {save.error && (
            <Text c="red" size="sm">
              {errorMessage(save.error)}
            </Text>
          )}
          <Group>
            <Button
              disabled={!name.trim()}
              loading={save.isPending}
              onClick={() =>
                save.mutate(
                  { ...(editing ? { id: editing } : {}), name: name.trim(), filter },
                  { onSuccess: (s) => setEditing(s.id) },
                )
              }
            >
              {t('segments.save')}
            </Button>
            {editing && (
              <Button
                variant="subtle"
                onClick={() => {
                  setEditing(undefined);
                  setName('');
                }}
              >
                {t('segments.newShort')}
              </Button>
            )}
          </Group>
        </Stack>
      </Card>
      <Card withBorder padding="md" miw={320}>
        <Title order={4} mb="sm">
          {t('segments.saved')}
        </Title>
        {(segments.data?.data ?? []).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('segments.none')}
          </Text>
        ) : (
          <Table>
            <Table.Tbody>
              {(segments.data?.data ?? []).map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end">
                      <Button size="compact-xs" variant="light" onClick={() => load(s.id)}>
                        {t('common:actions.edit')}
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() => remove.mutate(s.id)}
                      >
                        {t('common:actions.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Group>
  );
}
