import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
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
import type { Me } from '../../api/types.ts';
import { formatNumber } from '../../shared/format.ts';
import { useSegments } from '../audiences/audiences.api.ts';
import { useNumbers } from '../inbox/inbox.api.ts';
import { useTemplates } from '../templates/templates.api.ts';
import { CampaignReportView, campaignState } from './CampaignReportView.tsx';
import { type Campaign, useCampaignAction, useCampaigns, useCreateCampaign } from './campaigns.api.ts';
import { ParameterForm } from './ParameterForm.tsx';
import { defaultValues, parametersOf, type SlotValue, slotsOf } from './parameter-slots.ts';

const FOUR_DIGITS = { minimumFractionDigits: 4, maximumFractionDigits: 4 } as const;
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function NewCampaign({ onCreated }: { onCreated: (c: Campaign) => void }) {
  const { t } = useTranslation('campaigns');
  const templates = useTemplates();
  // The shared caches: another page's query under the same key must hold the same shape.
  const numbers = useNumbers();
  const segments = useSegments();
  const create = useCreateCampaign();
  const [name, setName] = useState('');
  const [template, setTemplate] = useState<string | null>(null);
  const [segment, setSegment] = useState<string | null>('all');
  const [values, setValues] = useState<Record<string, SlotValue>>({});
  const number = numbers.data?.[0];
  const approved = (templates.data?.data ?? []).filter((tpl) => tpl.status === 'APPROVED');
  const chosen = approved.find((tpl) => tpl.id === template);
  const slots = chosen ? slotsOf(chosen) : [];
  const handleTemplate = (id: string | null) => {
    setTemplate(id);
    const next = approved.find((tpl) => tpl.id === id);
    setValues(next ? defaultValues(slotsOf(next)) : {});
  };
  return (
    <Stack>
      <TextInput
        label={t('form.name')}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        required
      />
      <Select
        label={t('form.template')}
        placeholder={t('form.templatePlaceholder')}
        data={approved.map((tpl) => ({
          value: tpl.id,
          label: `${tpl.name} (${tpl.language}, ${tpl.category})`,
        }))}
        value={template}
        onChange={handleTemplate}
        searchable
      />
      <Select
        label={t('form.audience')}
        data={[
          { value: 'all', label: t('form.everyContact') },
          ...(segments.data?.data ?? []).map((s) => ({
            value: s.id,
            label: t('form.segment', { name: s.name }),
          })),
        ]}
        value={segment}
        onChange={setSegment}
      />
      <ParameterForm slots={slots} values={values} onChange={setValues} />
      {create.error && <Alert color="red">{errorMessage(create.error)}</Alert>}
      <Button
        disabled={!number || !chosen || !name}
        loading={create.isPending}
        onClick={() =>
          number &&
          chosen &&
          create.mutate(
            {
              name,
              phone_number_id: number.id,
              template: { name: chosen.name, language: chosen.language },
              parameters: parametersOf(slots, values) as never,
              audience:
                segment && segment !== 'all'
                  ? { segment_id: segment }
                  : { filter: { phone_number_id: number.id } },
            },
            { onSuccess: (r) => onCreated(r.data) },
          )
        }
      >
        {t('form.create')}
      </Button>
    </Stack>
  );
}

function StartPanel({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation('campaigns');
  const action = useCampaignAction();
  const [when, setWhen] = useState('');
  const [zone, setZone] = useState(browserZone);
  const e = campaign.estimate;
  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>{t('start.estimate')}</Text>
        {e && (
          <>
            <Text data-testid="estimate-total">
              {t('start.total', {
                count: e.recipients,
                billable: formatNumber(e.billable_messages),
                amount: `${e.currency} ${formatNumber(e.total, FOUR_DIGITS)}`,
              })}
            </Text>
            {Object.entries(e.excluded).map(([code, n]) => (
              <Text key={code} size="sm" c="orange">
                {t('start.refused', { count: n, code })}
              </Text>
            ))}
            <Table>
              <Table.Tbody>
                {e.lines.map((l) => (
                  <Table.Tr key={`${l.category}-${l.country_code}-${l.pricing_type}`}>
                    <Table.Td>{l.category}</Table.Td>
                    <Table.Td>+{l.country_code}</Table.Td>
                    <Table.Td>{l.pricing_type}</Table.Td>
                    <Table.Td>
                      {formatNumber(l.messages)} × {formatNumber(l.unit_price, { maximumFractionDigits: 6 })}
                    </Table.Td>
                    <Table.Td>{formatNumber(l.amount, FOUR_DIGITS)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
        <Group align="flex-end">
          <Button onClick={() => action.mutate({ id: campaign.id, action: 'start' })}>
            {t('start.now')}
          </Button>
          <TextInput
            type="datetime-local"
            label={t('start.orAt')}
            value={when}
            onChange={(ev) => setWhen(ev.currentTarget.value)}
            aria-label={t('start.sendAt')}
          />
          <TextInput
            label={t('start.timeZone')}
            value={zone}
            onChange={(ev) => setZone(ev.currentTarget.value)}
          />
          <Button
            variant="default"
            disabled={!when}
            onClick={() =>
              action.mutate({
                id: campaign.id,
                action: 'start',
                schedule: { local_time: when, time_zone: zone },
              })
            }
          >
            {t('start.schedule')}
          </Button>
        </Group>
        {action.error && <Alert color="red">{errorMessage(action.error)}</Alert>}
      </Stack>
    </Card>
  );
}

/** Campaigns: the list, a new campaign with its estimate, then its live progress and report. */
export function CampaignsPage({ me, id }: { me: Me; id?: string }) {
  const { t } = useTranslation('campaigns');
  const campaigns = useCampaigns();
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(id ?? null);
  const list = campaigns.data?.data ?? [];
  const current = list.find((c) => c.id === selected);
  return (
    <Stack p="md" maw={1200} mx="auto">
      <Group justify="space-between">
        <Title order={2}>{t('title')}</Title>
        {me.can.manage_campaigns && <Button onClick={() => setCreating(true)}>{t('new')}</Button>}
      </Group>
      <Table highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('form.name')}</Table.Th>
            <Table.Th>{t('form.template')}</Table.Th>
            <Table.Th>{t('list.state')}</Table.Th>
            <Table.Th>{t('report.sent')}</Table.Th>
            <Table.Th>{t('report.recipients')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.map((c) => (
            <Table.Tr
              key={c.id}
              onClick={() => setSelected(c.id)}
              style={{ cursor: 'pointer' }}
              bg={c.id === selected ? 'var(--mantine-color-default-hover)' : undefined}
            >
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>{c.template.name}</Table.Td>
              <Table.Td>
                <Badge>{campaignState(c.state)}</Badge>
              </Table.Td>
              <Table.Td>{formatNumber(c.progress.sent)}</Table.Td>
              <Table.Td>{formatNumber(c.progress.recipients || c.estimate?.recipients || 0)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {current && current.state === 'draft' && me.can.manage_campaigns && <StartPanel campaign={current} />}
      {current && current.state !== 'draft' && <CampaignReportView id={current.id} me={me} />}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('new')} size="lg">
        <NewCampaign
          onCreated={(c) => {
            setCreating(false);
            setSelected(c.id);
          }}
        />
      </Modal>
    </Stack>
  );
}
