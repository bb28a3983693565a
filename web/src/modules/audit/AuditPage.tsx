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
import { useState } from 'react';
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

function contentText(entry: ArchiveEntry): string {
  if (entry.erased) return '(erased)';
  const c = entry.content as Record<string, unknown> | null;
  if (c === null) return '';
  if (typeof c.body === 'string') return c.body;
  return JSON.stringify(c);
}

const versionLabel: Record<string, string> = {
  'message.received': 'Received',
  'message.echoed': 'Sent from the phone',
  'message.imported': 'Imported from history',
  'message.sent': 'Sent from the hub',
  'message.edited': 'Edited',
  'message.revoked': 'Deleted for everyone',
  'message.media_kept': 'Media kept',
};

const ORIGINAL = new Set(['message.received', 'message.echoed', 'message.imported', 'message.sent']);

/** Every version of one message, oldest first: the original, each edit, the deletion. */
function VersionTimeline({ messageId }: { messageId: string }) {
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
          <Text size="sm">{contentText(e) || '—'}</Text>
          <Text size="xs" c="dimmed">
            {formatDateTime(e.at)} · entry {e.index}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

function VerificationPanel() {
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
        {s ? `${s.size} entries` : '…'}
        {s?.checkpoint
          ? ` · checkpoint ${s.checkpoint.size} signed ${formatDateTime(s.checkpoint.created_at)}`
          : ' · no checkpoint yet'}
      </Text>
      {last ? (
        <Badge color={last.ok ? 'teal' : 'red'} title={last.problem ?? undefined}>
          {last.ok ? 'Verified' : 'Verification failed'} {formatDateTime(last.finished_at)}
        </Badge>
      ) : (
        <Badge color="gray">Never verified</Badge>
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
          {a.failure ? `refused checkpoint ${a.failure.size}` : `checkpoint ${a.anchored_size ?? '—'} copied`}
        </Badge>
      ))}
      <Button
        size="compact-sm"
        variant="light"
        loading={verify.isPending}
        onClick={() =>
          verify.mutate(undefined, {
            onSuccess: (r) =>
              r.ok ? toasts.showSuccess('The archive verifies.') : toasts.showError(new Error(r.problems[0])),
            onError: toasts.showError,
          })
        }
      >
        Verify now
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
        <Title order={3}>Archive</Title>
        <VerificationPanel />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            search();
          }}
        >
          <Group align="end" gap="xs" wrap="wrap">
            {field('q', 'Text')}
            {field('type', 'Type', 'message. or conversation.assigned')}
            {field('contact_id', 'Contact id')}
            {field('phone_number_id', 'Number id')}
            {field('origin', 'Origin', 'customer, agent, bot…')}
            {field('actor_id', 'Agent (user id)')}
            {field('from', 'From', 'YYYY-MM-DD')}
            {field('to', 'To', 'YYYY-MM-DD')}
            <Button size="xs" type="submit">
              Search
            </Button>
            <Button
              size="xs"
              variant="light"
              loading={exporting}
              onClick={async () => {
                setExporting(true);
                try {
                  await downloadExport({ ...query });
                  toasts.showSuccess('Export downloaded.');
                } catch (error) {
                  toasts.showError(error);
                } finally {
                  setExporting(false);
                }
              }}
            >
              Export
            </Button>
            {canErase && query.contact_id && <EraseContactButton contactId={query.contact_id} />}
          </Group>
        </form>
        {results.error && <ErrorNotice error={results.error} onRetry={() => results.refetch()} />}
        {results.isSuccess && entries.length === 0 && <Alert color="gray">No entry matches.</Alert>}
        {entries.length > 0 && (
          <Table striped highlightOnHover data-testid="archive-results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Content</Table.Th>
                <Table.Th>Who</Table.Th>
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
                        {contentText(e) || 'versions'}
                      </Button>
                    ) : (
                      contentText(e)
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
        title="Versions"
      >
        {messageId && <VersionTimeline messageId={messageId} />}
      </Drawer>
    </Box>
  );
}
