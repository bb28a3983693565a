import { useState } from 'react';
import { formatDateTime } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { FailureTable, type FailureView, type RetryOutcome } from './FailureTable.tsx';
import {
  type JobFailure,
  type SubscriberFailure,
  useJobFailures,
  useRetryJobFailure,
  useRetrySubscriberFailure,
  useRetryWebhookFailure,
  useSubscriberFailures,
  useWebhookFailures,
} from './failures.api.ts';

/** The row being retried and the last outcome of each row, for one section. */
function useRetryState() {
  const [pendingKey, setPendingKey] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<Record<string, RetryOutcome>>({});
  const settle = (key: string, outcome: RetryOutcome) => {
    setPendingKey(null);
    setOutcomes((all) => ({ ...all, [key]: outcome }));
  };
  return { pendingKey, setPendingKey, outcomes, settle };
}

/** Webhook items the hub could not apply; a retry re-runs the item from the stored body. */
export function WebhookFailuresPanel() {
  const list = useWebhookFailures();
  const retry = useRetryWebhookFailure();
  const toasts = useToasts();
  const state = useRetryState();
  const rows: FailureView[] = (list.data?.data ?? []).map((f) => ({
    key: f.id,
    code: f.code,
    where: f.field ? `${f.field} · ${f.item_path}` : f.item_path,
    message: f.message,
    at: f.created_at,
    attempts: f.retry_count,
  }));
  const onRetry = (id: string) => {
    state.setPendingKey(id);
    retry.mutate(id, {
      onSuccess: (result) => {
        if (result.resolved) {
          state.settle(id, { ok: true, text: 'Applied.' });
          toasts.showSuccess('Retried: the webhook item is applied now.');
        } else {
          state.settle(id, { ok: false, text: `Still failing: ${result.message}` });
          toasts.showError(new Error(`Retried, still failing: ${result.message}`));
        }
      },
      onError: (error) => {
        state.settle(id, { ok: false, text: error.message });
        toasts.showError(error);
      },
    });
  };
  return (
    <FailureTable
      label="Webhook processing failures"
      attemptsLabel="Retries"
      query={list}
      rows={rows}
      empty="Every webhook from Meta was applied. An item the hub cannot apply (a shape it does not know, a database error) shows here with the reason, and can be retried from the stored body."
      pendingKey={state.pendingKey}
      outcomes={state.outcomes}
      onRetry={onRetry}
    />
  );
}

const subscriberKey = (f: Pick<SubscriberFailure, 'subscriber' | 'event_id'>) =>
  `${f.subscriber}/${f.event_id}`;

/** Events a durable subscriber (archive, automations, …) could not handle. */
export function SubscriberFailuresPanel() {
  const list = useSubscriberFailures();
  const retry = useRetrySubscriberFailure();
  const toasts = useToasts();
  const state = useRetryState();
  const failures = list.data?.data ?? [];
  const rows: FailureView[] = failures.map((f) => ({
    key: subscriberKey(f),
    code: f.subscriber,
    where:
      f.state === 'retrying' && f.next_attempt_at
        ? `${f.event_type} #${f.event_id} · next try ${formatDateTime(f.next_attempt_at)}`
        : `${f.event_type} #${f.event_id} · gave up`,
    message: f.error,
    at: f.updated_at,
    attempts: f.attempts,
  }));
  const onRetry = (key: string) => {
    const failure = failures.find((f) => subscriberKey(f) === key);
    if (!failure) return;
    state.setPendingKey(key);
    retry.mutate(failure, {
      onSuccess: () => {
        state.settle(key, { ok: true, text: 'Queued: the subscriber runs it again shortly.' });
        toasts.showSuccess(`${failure.subscriber} will handle event ${failure.event_id} again shortly.`);
      },
      onError: (error) => {
        state.settle(key, { ok: false, text: error.message });
        toasts.showError(error);
      },
    });
  };
  return (
    <FailureTable
      label="Subscriber failures"
      attemptsLabel="Attempts"
      query={list}
      rows={rows}
      empty="Every subscriber is keeping up. An event that a subscriber (the archive, automations, notifications) keeps failing on shows here, so a stuck subscriber is seen, and can be handed back to it."
      pendingKey={state.pendingKey}
      outcomes={state.outcomes}
      onRetry={onRetry}
    />
  );
}

function jobWhere(job: JobFailure): string {
  if (job.recurring && job.next_run_at) return `recurring · next run ${formatDateTime(job.next_run_at)}`;
  return job.recurring ? 'recurring' : 'one-off';
}

/** Background jobs whose attempts ran out (hub-wide). */
export function JobFailuresPanel() {
  const list = useJobFailures();
  const retry = useRetryJobFailure();
  const toasts = useToasts();
  const state = useRetryState();
  const jobs = list.data?.data ?? [];
  const rows: FailureView[] = jobs.map((j) => ({
    key: j.id,
    code: j.job,
    where: jobWhere(j),
    message: j.error ?? 'No error was recorded.',
    at: j.failed_at,
    attempts: j.attempts,
  }));
  const onRetry = (id: string) => {
    const job = jobs.find((j) => j.id === id);
    state.setPendingKey(id);
    retry.mutate(id, {
      onSuccess: () => {
        state.settle(id, { ok: true, text: 'Queued: the job runs again shortly.' });
        toasts.showSuccess(`${job?.job ?? 'The job'} will run again shortly.`);
      },
      onError: (error) => {
        state.settle(id, { ok: false, text: error.message });
        toasts.showError(error);
      },
    });
  };
  return (
    <FailureTable
      label="Job failures"
      attemptsLabel="Attempts"
      query={list}
      rows={rows}
      empty="No background job has failed. A job (template sync, history completion, clean-ups) that spends its attempts shows here with its last error, and can be run again. Jobs are hub-wide: only someone who sees every number sees them."
      pendingKey={state.pendingKey}
      outcomes={state.outcomes}
      onRetry={onRetry}
    />
  );
}
