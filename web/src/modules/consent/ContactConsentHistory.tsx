import { Badge, Button, Divider, Group, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { formatDateTime } from '../../shared/format.ts';
import { type ContactConsent, useContactConsent, useRecordConsent } from './consent.api.ts';

function StateBadge({ consent }: { consent: ContactConsent }) {
  const { t } = useTranslation('consent');
  const s = consent.marketing.state;
  const color = s === 'opted_in' ? 'teal' : s === 'opted_out' ? 'red' : 'gray';
  const label =
    s === 'opted_in'
      ? t('history.optedIn')
      : s === 'opted_out'
        ? t('history.optedOut')
        : t('history.noConsent');
  return (
    <Badge color={color} variant="light" data-testid="consent-state">
      {t('history.marketing', { state: label })}
    </Badge>
  );
}

/** The contact's marketing consent from the ledger: state, policy, history, and an agent's record. */
export function ContactConsentHistory({ contactId, canAct }: { contactId: string; canAct: boolean }) {
  const { t } = useTranslation('consent');
  const sources: Record<string, string> = {
    keyword: t('history.sources.keyword'),
    hosted_page: t('history.sources.hostedPage'),
    csv_import: t('history.sources.csvImport'),
    agent: t('history.sources.agent'),
    api: 'API',
    meta_user_preferences: t('history.sources.metaPreferences'),
    error_131050: t('history.sources.error131050'),
  };
  const consent = useContactConsent(contactId);
  const record = useRecordConsent(contactId);
  const [action, setAction] = useState<'opt_in' | 'opt_out'>('opt_in');
  const [note, setNote] = useState('');
  const [open, setOpen] = useState(false);
  if (!consent.data) return null;
  const c = consent.data;
  return (
    <Stack gap={6} data-testid="consent-history">
      <Divider label={t('history.title')} labelPosition="left" />
      <Group gap="xs">
        <StateBadge consent={c} />
        <Text size="xs" c="dimmed">
          {c.policy === 'opt_in_required' ? t('history.requiresOptIn') : t('history.unlessOptedOut')}
        </Text>
      </Group>
      {c.history.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('history.none')}
        </Text>
      ) : (
        <Stack gap={4} component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {c.history.slice(0, 20).map((r) => (
            <li key={r.id} data-testid="consent-record">
              <Text size="xs">
                <b>{r.action === 'opt_in' ? t('history.optIn') : t('history.optOut')}</b> ·{' '}
                {sources[r.source] ?? r.source} · {formatDateTime(r.at)}
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
                { value: 'opt_in', label: t('history.recordOptIn') },
                { value: 'opt_out', label: t('history.recordOptOut') },
              ]}
            />
            <Textarea
              size="xs"
              label={t('history.how')}
              placeholder={t('history.howExample')}
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
                {t('history.record')}
              </Button>
              <Button size="compact-xs" variant="subtle" onClick={() => setOpen(false)}>
                {t('common:actions.cancel')}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Button size="compact-xs" variant="light" onClick={() => setOpen(true)} w="fit-content">
            {t('history.recordConsent')}
          </Button>
        ))}
    </Stack>
  );
}
