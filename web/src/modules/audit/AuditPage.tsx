import {
  Alert,
  Badge,
  Box,
  Button,
  Code,
  Drawer,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { useSession } from '../auth/auth.api.ts';
import {
  type ArchiveEntry,
  type ArchiveQuery,
  downloadExport,
  useArchiveEntries,
  useArchiveStatus,
  useVerifyArchive,
} from './audit.api.ts';
import { EraseContactButton } from './EraseContact.tsx';

function contentText(entry: ArchiveEntry, t: TFunction<'audit'>): string {
  if (entry.erased) return t('erased');
  const c = entry.content as Record<string, unknown> | null;
  if (c === null) return '';
  if (typeof c.body === 'string') return c.body;
  return JSON.stringify(c);
}

function versionLabels(t: TFunction<'audit'>): Record<string, string> {
  return {
    'message.received': t('version.received'),
    'message.echoed': t('version.echoed'),
    'message.imported': t('version.imported'),
    'message.sent': t('version.sent'),
    'message.edited': t('version.edited'),
    'message.revoked': t('version.revoked'),
    'message.media_kept': t('version.mediaKept'),
  };
}

const ORIGINAL = new Set(['message.received', 'message.echoed', 'message.imported', 'message.sent']);

/** Every version of one message, oldest first: the original, each edit, the deletion. */
function VersionTimeline({ messageId }: { messageId: string }) {
  const { t } = useTranslation('audit');
  const versionLabel = versionLabels(t);
  const versions = useArchiveEntries({ message_id: messageId, type: 'message.' });
  // Oldest first; the original before its edits even when its entry came later (one ingest batch).
  const entries = [...(versions.data?.data ?? [])]
    .filter((e) => versionLabel[e.type])
    .reverse()
    .sort((a, b) => Number(!ORIGINAL.has(a.type)) - Number(!ORIGINAL.has(b.type)));
  if (versions.error) return <ErrorNotice error={versions.error} onRetry={() => versions.refetch()} />;
  return (
    <Timeline active={entries.length - 1} bulletSize={16} data-testid="version-timeline">
      {entries.map((e) => (
        <Timeline.Item key={e.index} title={versionLabel[e.type]} data-testid="version">
          <Text size="sm">{contentText(e, t) || '—'}</Text>
          <Text size="xs" c="dimmed">
            {t('entryAt', { at: formatDateTime(e.at), index: e.index })}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

function VerificationPanel() {
  const { t } = useTranslation('audit');
  const status = useArchiveStatus();
  const verify = useVerifyArchive();
  const toasts = useToasts();
  const s = status.data;
  const last = s?.last_verification;
  return (
    <Group
      gap="md"
      data-testid="verification-state"
      data-result={last ? (last.ok ? 'ok' : 'failed') : 'never'}
      wrap="wrap"
    >
      <Text size="sm">
        {s ? t('entries', { count: s.size }) : '…'}
        {s?.checkpoint
          ? t('checkpointSigned', { size: s.checkpoint.size, at: formatDateTime(s.checkpoint.created_at) })
          : t('noCheckpoint')}
      </Text>
      {last ? (
        <Badge color={last.ok ? 'teal' : 'red'} title={last.problem ?? undefined}>
          {last.ok ? t('verified') : t('verificationFailed')} {formatDateTime(last.finished_at)}
        </Badge>
      ) : (
        <Badge color="gray">{t('neverVerified')}</Badge>
      )}
      {s?.anchors.map((a) => (
        <Badge
          key={a.target}
          color={a.failure ? 'red' : 'teal'}
          variant="light"
          title={a.failure ? a.failure.error : undefined}
          data-testid="anchor-state"
        >
          {a.target}:{' '}
          {a.failure
            ? t('anchorRefused', { size: a.failure.size })
            : t('anchorCopied', { size: a.anchored_size ?? '—' })}
        </Badge>
      ))}
      <Button
        size="compact-sm"
        variant="light"
        loading={verify.isPending}
        onClick={() =>
          verify.mutate(undefined, {
            onSuccess: (r) =>
              r.ok ? toasts.showSuccess(t('verifiesToast')) : toasts.showError(new Error(r.problems[0])),
            onError: toasts.showError,
          })
        }
      >
        {t('verifyNow')}
      </Button>
    </Group>
  );
}

/**
 * The auditor's view of the compliance archive: search (text where not erased, contact, number,
 * type, origin, agent, dates), every version of a message on a timeline, the action trail, export
 * download and the verification state. It changes nothing but records its verifications and exports.
 */
export function AuditPage() {
  const { t } = useTranslation('audit');
  const toasts = useToasts();
  const [draft, setDraft] = useState<ArchiveQuery>({});
  const [query, setQuery] = useState<ArchiveQuery>({});
  const [messageId, setMessageId] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const results = useArchiveEntries(query);
  const canErase = useSession().data?.user.can.manage_holds === true;
  const field = (name: keyof ArchiveQuery, label: string, placeholder?: string) => (
    <TextInput
      size="xs"
      label={label}
      placeholder={placeholder}
      value={draft[name] ?? ''}
      onChange={(e) => setDraft({ ...draft, [name]: e.currentTarget.value || undefined })}
    />
  );
  const toIso = (v?: string) => (v ? new Date(v).toISOString() : undefined);
  const search = () => setQuery({ ...draft, from: toIso(draft.from), to: toIso(draft.to) });
  const entries = results.data?.data ?? [];

  return (
    <Box h="100%" style={{ overflow: 'auto' }}>
      <Stack p="md" gap="sm">
        <Title order={3}>{t('app:nav.audit')}</Title>
        <VerificationPanel />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            search();
          }}
        >
          <Group align="end" gap="xs" wrap="wrap">
            {field('q', t('field.text'))}
            {field('type', t('field.type'), t('field.typePlaceholder'))}
            {field('contact_id', t('field.contactId'))}
            {field('phone_number_id', t('field.numberId'))}
            {field('origin', t('field.origin'), t('field.originPlaceholder'))}
            {field('actor_id', t('field.agent'))}
            {field('from', t('field.from'), t('field.datePlaceholder'))}
            {field('to', t('field.to'), t('field.datePlaceholder'))}
            <Button size="xs" type="submit">
              {t('common:actions.search')}
            </Button>
            <Button
              size="xs"
              variant="light"
              loading={exporting}
              onClick={async () => {
                setExporting(true);
                try {
                  await downloadExport({ ...query });
                  toasts.showSuccess(t('exportDownloaded'));
                } catch (error) {
                  toasts.showError(error);
                } finally {
                  setExporting(false);
                }
              }}
            >
              {t('export')}
            </Button>
            {canErase && query.contact_id && <EraseContactButton contactId={query.contact_id} />}
          </Group>
        </form>
        {results.error && <ErrorNotice error={results.error} onRetry={() => results.refetch()} />}
        {results.isSuccess && entries.length === 0 && <Alert color="gray">{t('noMatch')}</Alert>}
        {entries.length > 0 && (
          <Table striped highlightOnHover data-testid="archive-results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>{t('column.when')}</Table.Th>
                <Table.Th>{t('column.what')}</Table.Th>
                <Table.Th>{t('column.content')}</Table.Th>
                <Table.Th>{t('column.who')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <Table.Tr key={e.index} data-testid="archive-entry">
                  <Table.Td>{e.index}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                  <Table.Td>
                    <Code>{e.type}</Code>
                  </Table.Td>
                  <Table.Td style={{ maxWidth: 520, overflowWrap: 'anywhere' }}>
                    {e.message_id ? (
                      <Button variant="subtle" size="compact-xs" onClick={() => setMessageId(e.message_id)}>
                        {contentText(e, t) || t('versionsLink')}
                      </Button>
                    ) : (
                      contentText(e, t)
                    )}
                  </Table.Td>
                  <Table.Td>{e.actor_id ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Drawer
        opened={messageId !== null}
        onClose={() => setMessageId(null)}
        position="right"
        title={t('versionsTitle')}
      >
        {messageId && <VersionTimeline messageId={messageId} />}
      </Drawer>
    </Box>
  );
}
