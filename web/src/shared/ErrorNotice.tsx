import { Alert, Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/client.ts';

type ErrorNoticeProps = { error: unknown; onRetry?: () => void; title?: string };

/** Shows the API's message for a failed query, with an optional retry. */
export function ErrorNotice({ error, onRetry, title }: ErrorNoticeProps) {
  const { t } = useTranslation();
  return (
    <Alert color="red" role="alert" title={title}>
      {errorMessage(error)}
      {onRetry && (
        <Button size="compact-xs" variant="light" color="red" ml="sm" onClick={onRetry}>
          {t('actions.retry')}
        </Button>
      )}
    </Alert>
  );
}
