import {
  Alert,
  Anchor,
  Button,
  Card,
  FileInput,
  Progress,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { formatNumber } from '../../shared/format.ts';
import { useNumbers } from '../inbox/inbox.api.ts';
import { useImport, useStartImport } from './audiences.api.ts';

/** Uploads a CSV of contacts, shows the report of bad rows and the import's progress. */
export function ContactImportPanel() {
  const { t } = useTranslation('audiences');
  const numbers = useNumbers();
  const start = useStartImport();
  const [numberId, setNumberId] = useState<string | null>(null);
  const [mode, setMode] = useState<'all_or_nothing' | 'valid_only'>('all_or_nothing');
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const current = useImport(importId);
  const job = current.data ?? start.data ?? null;
  const states: Record<string, string> = {
    pending: t('import.states.pending'),
    running: t('import.states.running'),
    done: t('import.states.done'),
    rejected: t('import.states.rejected'),
    failed: t('import.states.failed'),
  };
  const chosenNumber = numberId ?? numbers.data?.[0]?.id ?? null;

  const submit = async () => {
    if (!file || !chosenNumber) return;
    const csv = await file.text();
    start.mutate(
      { phone_number_id: chosenNumber, mode, csv, file_name: file.name },
      { onSuccess: (r) => setImportId(r.id) },
    );
  };
  const pct =
    job && job.valid_rows > 0
      ? Math.round((job.processed_rows / job.valid_rows) * 100)
      : job?.state === 'done'
        ? 100
        : 0;

  return (
    <Stack gap="md" maw={860}>
      <Card withBorder padding="md">
        <Stack gap="sm">
          <Title order={4}>{t('import.title')}</Title>
          <Text size="sm" c="dimmed">
            <Trans t={t} i18nKey="import.columns" components={{ b: <b /> }} />
          </Text>
          <Select
            label={t('import.number')}
            value={chosenNumber}
            onChange={setNumberId}
            data={(numbers.data ?? []).map((n) => ({
              value: n.id,
              label: `${n.verified_name ?? ''} ${n.display_phone_number}`,
            }))}
          />
          <FileInput
            label={t('import.file')}
            accept=".csv,text/csv"
            value={file}
            onChange={setFile}
            placeholder="contacts.csv"
            data-testid="import-file"
          />
          <Radio.Group label={t('import.mode')} value={mode} onChange={(v) => setMode(v as typeof mode)}>
            <Stack gap={4} mt={4}>
              <Radio value="all_or_nothing" label={t('import.allOrNothing')} />
              <Radio value="valid_only" label={t('import.validOnly')} />
            </Stack>
          </Radio.Group>
          {start.error && (
            <Alert color="red" title={t('import.refused')}>
              {errorMessage(start.error)}
            </Alert>
          )}
          <Button
            onClick={submit}
            disabled={!file || !chosenNumber}
            loading={start.isPending}
            w="fit-content"
          >
            {t('import.submit')}
          </Button>
        </Stack>
      </Card>
      {job && (
        <Card withBorder padding="md" data-testid="import-report">
          <Stack gap="sm">
            <Title order={5}>
              {job.file_name ?? t('import.submit')} · {states[job.state] ?? job.state}
            </Title>
            <Text size="sm">
              {t('import.summary', {
                count: job.total_rows,
                valid: formatNumber(job.valid_rows),
                rejected: formatNumber(job.rejected_rows),
                imported: formatNumber(job.imported_rows),
              })}
            </Text>
            {job.state === 'rejected' && <Alert color="orange">{t('import.nothingImported')}</Alert>}
            {job.state !== 'rejected' && <Progress value={pct} aria-label={t('import.progress')} size="lg" />}
            {job.rejected_rows > 0 && (
              <>
                <Anchor href={`/api/contact-imports/${job.id}/rejected.csv`} download>
                  {t('import.downloadRejected')}
                </Anchor>
                <Table striped withTableBorder fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={60}>{t('import.row')}</Table.Th>
                      <Table.Th w={160}>{t('import.phone')}</Table.Th>
                      <Table.Th>{t('import.reason')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {job.rejects.map((r) => (
                      <Table.Tr key={r.row} data-testid="rejected-row">
                        <Table.Td>{r.row}</Table.Td>
                        <Table.Td>{r.raw.phone ?? ''}</Table.Td>
                        <Table.Td>
                          {r.code
                            ? t(`import.reasons.${r.code}`, { ...r.params, defaultValue: r.reason })
                            : r.reason}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </>
            )}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
