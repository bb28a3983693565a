import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Failure } from '../../../../src/failures/failures.schemas.ts';
import type {
  ZJobFailure,
  ZSubscriberFailure,
} from '../../../../src/maintenance/background-failures.schemas.ts';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

/** A webhook item the hub could not apply (`GET /api/failures`). */
export type WebhookFailure = Failure;
/** An event a durable subscriber could not handle (`GET /api/failures/subscribers`). */
export type SubscriberFailure = z.infer<typeof ZSubscriberFailure>;
/** A job that spent its attempts (`GET /api/failures/jobs`). */
export type JobFailure = z.infer<typeof ZJobFailure>;

/** What `POST /api/failures/:id/retry` answers: whether the item now applied, and why not. */
export type WebhookRetryResult = { resolved: boolean; message: string; failure: WebhookFailure };

const LIMIT = 100;
// Subscriber and job failures have no stream notice of their own: poll them, gently.
const POLL_MS = 30_000;

/*
 * Every key starts with 'failures', the key the stream's `failure.recorded` notice makes stale
 * (`realtime/invalidations.ts`), so the page and the nav badge refresh live.
 */
export const failureKeys = {
  webhooks: ['failures', 'webhooks'] as const,
  subscribers: ['failures', 'subscribers'] as const,
  jobs: ['failures', 'jobs'] as const,
};

/** Open webhook processing failures, newest first (the first 100). */
export function useWebhookFailures() {
  return useQuery({
    queryKey: failureKeys.webhooks,
    queryFn: () => api<Page<WebhookFailure>>('/api/failures', { query: { state: 'open', limit: LIMIT } }),
    refetchInterval: POLL_MS,
  });
}

/** Subscriber events that are being retried or were given up on. */
export function useSubscriberFailures() {
  return useQuery({
    queryKey: failureKeys.subscribers,
    queryFn: () =>
      api<{ data: SubscriberFailure[] }>('/api/failures/subscribers', {
        query: { state: 'open', limit: LIMIT },
      }),
    refetchInterval: POLL_MS,
  });
}

/** Jobs whose attempts ran out (hub-wide: empty for a user limited to some numbers). */
export function useJobFailures() {
  return useQuery({
    queryKey: failureKeys.jobs,
    queryFn: () => api<{ data: JobFailure[] }>('/api/failures/jobs', { query: { limit: LIMIT } }),
    refetchInterval: POLL_MS,
  });
}

/** How many failures are open in each kind, and in all (`more` when a list was cut at its limit). */
export function useOpenFailureCounts(): {
  webhooks: number;
  subscribers: number;
  jobs: number;
  total: number;
  more: boolean;
} {
  const webhooks = useWebhookFailures().data;
  const subscribers = useSubscriberFailures().data?.data.length ?? 0;
  const jobs = useJobFailures().data?.data.length ?? 0;
  const hooks = webhooks?.data.length ?? 0;
  return {
    webhooks: hooks,
    subscribers,
    jobs,
    total: hooks + subscribers + jobs,
    more: Boolean(webhooks?.next_cursor) || subscribers >= LIMIT || jobs >= LIMIT,
  };
}

function useRetry<TInput, TResult>(mutationFn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['failures'] }),
  });
}

/** Re-runs a webhook item from its stored body; the answer says whether it applied this time. */
export function useRetryWebhookFailure() {
  return useRetry((id: string) =>
    api<WebhookRetryResult>(`/api/failures/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
  );
}

/** Hands an event back to its subscriber, which runs it again shortly. */
export function useRetrySubscriberFailure() {
  return useRetry((failure: Pick<SubscriberFailure, 'subscriber' | 'event_id'>) =>
    api<{ retrying: true }>(
      `/api/failures/subscribers/${encodeURIComponent(failure.subscriber)}/${encodeURIComponent(failure.event_id)}/retry`,
      { method: 'POST' },
    ),
  );
}

/** Runs a failed job again shortly. */
export function useRetryJobFailure() {
  return useRetry((id: string) =>
    api<{ retrying: true }>(`/api/failures/jobs/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
  );
}
