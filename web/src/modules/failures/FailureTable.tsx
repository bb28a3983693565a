import { Alert, Button, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime } from '../../shared/format.ts';

/** One failure of any kind, as the table shows it. */
export type FailureView = {
  key: string;
  code: string;
  /** Where it happened: the item's path, the subscriber and event, the job's schedule. */
  where: string;
  message: string;
  at: string | null;
  attempts: number;
};

/** The outcome of the last retry of a row, shown beside its button. */
export type RetryOutcome = { ok: boolean; text: string };

type FailureTableProps = {
  /** The table's accessible name, e.g. "Webhook processing failures". */
  label: string;
  attemptsLabel: string;
  query: { isPending: boolean; isSuccess: boolean; error: unknown; refetch: () => unknown };
  rows: FailureView[];
  /** What the section is for, shown when nothing is failing. */
  empty: ReactNode;
  pendingKey: string | null;
  outcomes: Record<string, RetryOutcome>;
  onRetry: (key: string) => void;
};

/** A list of open failures with code, message, when, attempts and a Retry button per row. */
export function FailureTable(props: FailureTableProps) {
  const { label, attemptsLabel, query, rows, empty, pendingKey, outcomes, onRetry } = props;
  const { t } = useTranslation('failures');
  if (query.error) return <ErrorNotice error={query.error} onRetry={() => query.refetch()} />;
  if (query.isPending) {
    return (
      <Text size="sm" c="dimmed" role="status">
        {t('table.loading')}
      </Text>
    );
  }
  if (rows.length === 0) {
    return (
      <Alert color="teal" data-testid="failures-empty">
        {empty}
      </Alert>
    );
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped aria-label={label} verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('table.code')}</Table.Th>
            <Table.Th scope="col">{t('table.message')}</Table.Th>
            <Table.Th scope="col">{t('table.when')}</Table.Th>
            <Table.Th scope="col">{attemptsLabel}</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>{t('table.action')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const outcome = outcomes[row.key];
            return (
              <Table.Tr key={row.key} data-testid="failure-row">
                <Table.Td>
                  <Text size="sm" fw={600} ff="monospace">
                    {row.code}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {row.where}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid="failure-message">
                    {row.message}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(row.at)}
                  </Text>
                </Table.Td>
                <Table.Td data-testid="failure-attempts">{row.attempts}</Table.Td>
                <Table.Td>
                  <Stack gap={4} align="flex-start">
                    <Button
                      size="compact-sm"
                      variant="light"
                      loading={pendingKey === row.key}
                      disabled={pendingKey !== null && pendingKey !== row.key}
                      aria-label={t('table.retryLabel', { code: row.code, at: formatDateTime(row.at) })}
                      onClick={() => onRetry(row.key)}
                    >
                      {t('table.retry')}
                    </Button>
                    <Text
                      size="xs"
                      c={outcome?.ok ? 'teal' : 'red'}
                      role="status"
                      data-testid="retry-outcome"
                      maw={220}
                    >
                      {outcome?.text ?? ''}
                    </Text>
                  </Stack>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
