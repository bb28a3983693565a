import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('failures');
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
          state.settle(id, { ok: true, text: t('webhook.applied') });
          toasts.showSuccess(t('webhook.appliedToast'));
        } else {
          state.settle(id, { ok: false, text: t('webhook.stillFailing', { message: result.message }) });
          toasts.showError(new Error(t('webhook.stillFailingToast', { message: result.message })));
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
      label={t('webhook.label')}
      attemptsLabel={t('table.retries')}
      query={list}
      rows={rows}
      empty={t('webhook.empty')}
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
  const { t } = useTranslation('failures');
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
        ? t('subscriber.nextTry', {
            type: f.event_type,
            id: f.event_id,
            at: formatDateTime(f.next_attempt_at),
          })
        : t('subscriber.gaveUp', { type: f.event_type, id: f.event_id }),
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
        state.settle(key, { ok: true, text: t('subscriber.queued') });
        toasts.showSuccess(
          t('subscriber.queuedToast', { subscriber: failure.subscriber, id: failure.event_id }),
        );
      },
      onError: (error) => {
        state.settle(key, { ok: false, text: error.message });
        toasts.showError(error);
      },
    });
  };
  return (
    <FailureTable
      label={t('subscriber.label')}
      attemptsLabel={t('table.attempts')}
      query={list}
      rows={rows}
      empty={t('subscriber.empty')}
      pendingKey={state.pendingKey}
      outcomes={state.outcomes}
      onRetry={onRetry}
    />
  );
}

function jobWhere(job: JobFailure, t: TFunction<'failures'>): string {
  if (job.recurring && job.next_run_at)
    return t('job.recurringNext', { at: formatDateTime(job.next_run_at) });
  return job.recurring ? t('job.recurring') : t('job.oneOff');
}

/** Background jobs whose attempts ran out (hub-wide). */
export function JobFailuresPanel() {
  const { t } = useTranslation('failures');
  const list = useJobFailures();
  const retry = useRetryJobFailure();
  const toasts = useToasts();
  const state = useRetryState();
  const jobs = list.data?.data ?? [];
  const rows: FailureView[] = jobs.map((j) => ({
    key: j.id,
    code: j.job,
    where: jobWhere(j, t),
    message: j.error ?? t('job.noError'),
    at: j.failed_at,
    attempts: j.attempts,
  }));
  const onRetry = (id: string) => {
    const job = jobs.find((j) => j.id === id);
    state.setPendingKey(id);
    retry.mutate(id, {
      onSuccess: () => {
        state.settle(id, { ok: true, text: t('job.queued') });
        toasts.showSuccess(t('job.queuedToast', { job: job?.job ?? t('job.theJob') }));
      },
      onError: (error) => {
        state.settle(id, { ok: false, text: error.message });
        toasts.showError(error);
      },
    });
  };
  return (
    <FailureTable
      label={t('job.label')}
      attemptsLabel={t('table.attempts')}
      query={list}
      rows={rows}
      empty={t('job.empty')}
      pendingKey={state.pendingKey}
      outcomes={state.outcomes}
      onRetry={onRetry}
    />
  );
}
