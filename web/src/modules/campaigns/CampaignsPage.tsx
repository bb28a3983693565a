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
import { errorMessage } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { useSegments } from '../audiences/audiences.api.ts';
import { useNumbers } from '../inbox/inbox.api.ts';
import { useTemplates } from '../templates/templates.api.ts';
import { CampaignReportView } from './CampaignReportView.tsx';
import { type Campaign, useCampaignAction, useCampaigns, useCreateCampaign } from './campaigns.api.ts';
import { ParameterForm } from './ParameterForm.tsx';
import { defaultValues, parametersOf, type SlotValue, slotsOf } from './parameter-slots.ts';

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function NewCampaign({ onCreated }: { onCreated: (c: Campaign) => void }) {
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
  const approved = (templates.data?.data ?? []).filter((t) => t.status === 'APPROVED');
  const chosen = approved.find((t) => t.id === template);
  const slots = chosen ? slotsOf(chosen) : [];
  const handleTemplate = (id: string | null) => {
    setTemplate(id);
    const next = approved.find((t) => t.id === id);
    setValues(next ? defaultValues(slotsOf(next)) : {});
  };
  return (
    <Stack>
      <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
      <Select
        label="Template"
        placeholder="An approved template"
        data={approved.map((t) => ({ value: t.id, label: `${t.name} (${t.language}, ${t.category})` }))}
        value={template}
        onChange={handleTemplate}
        searchable
      />
      <Select
        label="Audience"
        data={[
          { value: 'all', label: 'Every contact of the number' },
          ...(segments.data?.data ?? []).map((s) => ({ value: s.id, label: `Segment: ${s.name}` })),
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
        Create and estimate
      </Button>
    </Stack>
  );
}

function StartPanel({ campaign }: { campaign: Campaign }) {
  const action = useCampaignAction();
  const [when, setWhen] = useState('');
  const [zone, setZone] = useState(browserZone);
  const e = campaign.estimate;
  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>Cost estimate before sending</Text>
        {e && (
          <>
            <Text data-testid="estimate-total">
              {e.recipients} recipients, {e.billable_messages} billable: {e.currency} {e.total.toFixed(4)}
            </Text>
            {Object.entries(e.excluded).map(([code, n]) => (
              <Text key={code} size="sm" c="orange">
                {n} will be refused ({code})
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
                      {l.messages} × {l.unit_price}
                    </Table.Td>
                    <Table.Td>{l.amount.toFixed(4)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
        <Group align="flex-end">
          <Button onClick={() => action.mutate({ id: campaign.id, action: 'start' })}>Send now</Button>
          <TextInput
            type="datetime-local"
            label="Or at"
            value={when}
            onChange={(ev) => setWhen(ev.currentTarget.value)}
            aria-label="Send at"
          />
          <TextInput label="Time zone" value={zone} onChange={(ev) => setZone(ev.currentTarget.value)} />
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
            Schedule
          </Button>
        </Group>
        {action.error && <Alert color="red">{errorMessage(action.error)}</Alert>}
      </Stack>
    </Card>
  );
}

/** Campaigns: the list, a new campaign with its estimate, then its live progress and report. */
export function CampaignsPage({ me, id }: { me: Me; id?: string }) {
  const campaigns = useCampaigns();
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(id ?? null);
  const list = campaigns.data?.data ?? [];
  const current = list.find((c) => c.id === selected);
  return (
    <Stack p="md" maw={1200} mx="auto">
      <Group justify="space-between">
        <Title order={2}>Campaigns</Title>
        {me.can.manage_campaigns && <Button onClick={() => setCreating(true)}>New campaign</Button>}
      </Group>
      <Table highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Template</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Recipients</Table.Th>
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
                <Badge>{c.state}</Badge>
              </Table.Td>
              <Table.Td>{c.progress.sent}</Table.Td>
              <Table.Td>{c.progress.recipients || c.estimate?.recipients || 0}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {current && current.state === 'draft' && me.can.manage_campaigns && <StartPanel campaign={current} />}
      {current && current.state !== 'draft' && <CampaignReportView id={current.id} me={me} />}
      <Modal opened={creating} onClose={() => setCreating(false)} title="New campaign" size="lg">
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
