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
import { errorMessage } from '../../api/client.ts';
import { useNumbers } from '../inbox/inbox.api.ts';
import { useImport, useStartImport } from './audiences.api.ts';

/** Uploads a CSV of contacts, shows the report of bad rows and the import's progress. */
export function ContactImportPanel() {
  const numbers = useNumbers();
  const start = useStartImport();
  const [numberId, setNumberId] = useState<string | null>(null);
  const [mode, setMode] = useState<'all_or_nothing' | 'valid_only'>('all_or_nothing');
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const current = useImport(importId);
  const job = current.data ?? start.data ?? null;
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
          <Title order={4}>Import contacts from CSV</Title>
          <Text size="sm" c="dimmed">
            Columns: <b>phone</b> (required), name, consent (opt_in / opt_out), consent_at, evidence (required
            with a consent), wording; every other column becomes a contact attribute.
          </Text>
          <Select
            label="Number"
            value={chosenNumber}
            onChange={setNumberId}
            data={(numbers.data ?? []).map((n) => ({
              value: n.id,
              label: `${n.verified_name ?? ''} ${n.display_phone_number}`,
            }))}
          />
          <FileInput
            label="CSV file"
            accept=".csv,text/csv"
            value={file}
            onChange={setFile}
            placeholder="contacts.csv"
            data-testid="import-file"
          />
          <Radio.Group label="If some rows are bad" value={mode} onChange={(v) => setMode(v as typeof mode)}>
            <Stack gap={4} mt={4}>
              <Radio value="all_or_nothing" label="Import nothing (fix the file and try again)" />
              <Radio value="valid_only" label="Import only the valid rows" />
            </Stack>
          </Radio.Group>
          {start.error && (
            <Alert color="red" title="The file was refused">
              {errorMessage(start.error)}
            </Alert>
          )}
          <Button
            onClick={submit}
            disabled={!file || !chosenNumber}
            loading={start.isPending}
            w="fit-content"
          >
            Import
          </Button>
        </Stack>
      </Card>
      {job && (
        <Card withBorder padding="md" data-testid="import-report">
          <Stack gap="sm">
            <Title order={5}>
              {job.file_name ?? 'Import'} · {job.state}
            </Title>
            <Text size="sm">
              {job.total_rows} rows: {job.valid_rows} valid, {job.rejected_rows} rejected, {job.imported_rows}{' '}
              imported.
            </Text>
            {job.state === 'rejected' && (
              <Alert color="orange">
                Nothing was imported: the file has bad rows and “import nothing” was chosen.
              </Alert>
            )}
            {job.state !== 'rejected' && <Progress value={pct} aria-label="Import progress" size="lg" />}
            {job.rejected_rows > 0 && (
              <>
                <Anchor href={`/api/contact-imports/${job.id}/rejected.csv`} download>
                  Download the rejected rows (CSV)
                </Anchor>
                <Table striped withTableBorder fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={60}>Row</Table.Th>
                      <Table.Th w={160}>Phone</Table.Th>
                      <Table.Th>Reason</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {job.rejects.map((r) => (
                      <Table.Tr key={r.row} data-testid="rejected-row">
                        <Table.Td>{r.row}</Table.Td>
                        <Table.Td>{r.raw.phone ?? ''}</Table.Td>
                        <Table.Td>{r.reason}</Table.Td>
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
