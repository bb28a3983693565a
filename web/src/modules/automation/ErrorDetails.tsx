import { Alert, List } from '@mantine/core';
import { ApiError, errorMessage } from '../../api/client.ts';

type Detail = { path?: unknown; message?: unknown };

/** The server's refusal of a form: its message and, for a validation error, each field's problem. */
export function ErrorDetails({ error, title }: { error: unknown; title: string }) {
  const details =
    error instanceof ApiError && Array.isArray(error.details) ? (error.details as Detail[]) : [];
  return (
    <Alert color="red" title={title} role="alert" data-testid="form-error">
      {errorMessage(error)}
      {details.length > 0 && (
        <List size="sm" mt={4}>
          {details.map((d, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the details have no id and never reorder
            <List.Item key={i}>
              {typeof d.path === 'string' && d.path !== '/' ? `${d.path}: ` : ''}
              {String(d.message ?? '')}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
