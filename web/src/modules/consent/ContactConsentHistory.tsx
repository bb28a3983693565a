import { Badge, Button, Divider, Group, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { formatDateTime } from '../../shared/format.ts';
import { type ContactConsent, useContactConsent, useRecordConsent } from './consent.api.ts';

const SOURCE_LABEL: Record<string, string> = {
  keyword: 'Keyword from the customer',
  hosted_page: 'Hosted opt-in page',
  csv_import: 'CSV import',
  agent: 'Agent',
  api: 'API',
  meta_user_preferences: 'WhatsApp preference (Meta)',
  error_131050: 'Meta error 131050',
};

function StateBadge({ consent }: { consent: ContactConsent }) {
  const s = consent.marketing.state;
  const color = s === 'opted_in' ? 'teal' : s === 'opted_out' ? 'red' : 'gray';
  const label = s === 'opted_in' ? 'Opted in' : s === 'opted_out' ? 'Opted out' : 'No consent on record';
  return (
    <Badge color={color} variant="light" data-testid="consent-state">
      Marketing: {label}
    </Badge>
  );
}

/** The contact's marketing consent from the ledger: state, policy, history, and an agent's record. */
export function ContactConsentHistory({ contactId, canAct }: { contactId: string; canAct: boolean }) {
  const consent = useContactConsent(contactId);
  const record = useRecordConsent(contactId);
  const [action, setAction] = useState<'opt_in' | 'opt_out'>('opt_in');
  const [note, setNote] = useState('');
  const [open, setOpen] = useState(false);
  if (!consent.data) return null;
  const c = consent.data;
  return (
    <Stack gap={6} data-testid="consent-history">
      <Divider label="Consent" labelPosition="left" />
      <Group gap="xs">
        <StateBadge consent={c} />
        <Text size="xs" c="dimmed">
          {c.policy === 'opt_in_required' ? 'Number requires an opt-in' : 'Number sends unless opted out'}
        </Text>
      </Group>
      {c.history.length === 0 ? (
        <Text size="xs" c="dimmed">
          No consent records.
        </Text>
      ) : (
        <Stack gap={4} component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {c.history.slice(0, 20).map((r) => (
            <li key={r.id} data-testid="consent-record">
              <Text size="xs">
                <b>{r.action === 'opt_in' ? 'Opt-in' : 'Opt-out'}</b> · {SOURCE_LABEL[r.source] ?? r.source} ·{' '}
                {formatDateTime(r.at)}
              </Text>
              {(r.wording || r.evidence) && (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {r.wording ? `“${r.wording}”` : ''}
                  {r.wording && r.evidence ? ' · ' : ''}
                  {r.evidence ?? ''}
                  {r.ip ? ` · ${r.ip}` : ''}
                </Text>
              )}
            </li>
          ))}
        </Stack>
      )}
      {canAct &&
        (open ? (
          <Stack gap={4}>
            <SegmentedControl
              size="xs"
              value={action}
              onChange={(v) => setAction(v as 'opt_in' | 'opt_out')}
              data={[
                { value: 'opt_in', label: 'Opt in' },
                { value: 'opt_out', label: 'Opt out' },
              ]}
            />
            <Textarea
              size="xs"
              label="How did the customer say so?"
              placeholder="e.g. asked by phone on 2 Dec"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            {record.error && (
              <Text size="xs" c="red">
                {errorMessage(record.error)}
              </Text>
            )}
            <Group gap="xs">
              <Button
                size="compact-xs"
                disabled={note.trim().length < 3}
                loading={record.isPending}
                onClick={() =>
                  record.mutate(
                    { action, note },
                    {
                      onSuccess: () => {
                        setOpen(false);
                        setNote('');
                      },
                    },
                  )
                }
              >
                Record
              </Button>
              <Button size="compact-xs" variant="subtle" onClick={() => setOpen(false)}>
                Cancel
              </Button>
            </Group>
          </Stack>
        ) : (
          <Button size="compact-xs" variant="light" onClick={() => setOpen(true)} w="fit-content">
            Record consent…
          </Button>
        ))}
    </Stack>
  );
}
