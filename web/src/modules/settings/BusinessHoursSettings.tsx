import { Badge, Button, Group, Loader, Paper, Select, Stack, TagsInput, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatPhone } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { ErrorDetails } from '../automation/ErrorDetails.tsx';
import { useNumbers } from '../inbox/inbox.api.ts';
import {
  type ApiBusinessHours,
  type BusinessHoursInput,
  useBusinessHours,
  useDeleteBusinessHours,
  useSaveBusinessHours,
} from './routing.api.ts';
import { timeZones, WeeklyHoursEditor } from './WeeklyHoursEditor.tsx';

const DEFAULT_HOURS: BusinessHoursInput = {
  time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  weekly: {
    mon: [['09:00', '18:00']],
    tue: [['09:00', '18:00']],
    wed: [['09:00', '18:00']],
    thu: [['09:00', '18:00']],
    fri: [['09:00', '18:00']],
  },
  holidays: [],
  out_of_hours_text: null,
};

function HoursForm({ phoneNumberId, saved }: { phoneNumberId: string; saved: ApiBusinessHours | null }) {
  const [draft, setDraft] = useState<BusinessHoursInput>(
    saved
      ? {
          time_zone: saved.time_zone,
          weekly: saved.weekly,
          holidays: saved.holidays,
          out_of_hours_text: saved.out_of_hours_text,
        }
      : DEFAULT_HOURS,
  );
  const { t } = useTranslation('settings');
  const save = useSaveBusinessHours(phoneNumberId);
  const remove = useDeleteBusinessHours(phoneNumberId);
  const toasts = useToasts();
  const zones = timeZones();
  return (
    <Stack gap="sm">
      <Group gap="xs">
        {saved ? (
          <Badge color={saved.open_now ? 'teal' : 'gray'} variant="light" data-testid="open-now">
            {saved.open_now ? t('hours.openNow') : t('hours.closedNow')}
          </Badge>
        ) : (
          <Badge color="gray" variant="outline">
            {t('hours.none')}
          </Badge>
        )}
      </Group>
      <Select
        label={t('hours.timeZone')}
        searchable
        data={zones.includes(draft.time_zone) ? zones : [draft.time_zone, ...zones]}
        value={draft.time_zone}
        onChange={(time_zone) => time_zone && setDraft({ ...draft, time_zone })}
        w={320}
      />
      <Text fw={600} size="sm">
        {t('hours.weekly')}
      </Text>
      <WeeklyHoursEditor value={draft.weekly} onChange={(weekly) => setDraft({ ...draft, weekly })} />
      <TagsInput
        label={t('hours.holidays')}
        description={t('hours.holidaysHint')}
        value={draft.holidays}
        onChange={(holidays) => setDraft({ ...draft, holidays })}
        w={480}
      />
      <Textarea
        label={t('hours.reply')}
        description={t('hours.replyHint')}
        autosize
        minRows={2}
        value={draft.out_of_hours_text ?? ''}
        onChange={(e) =>
          setDraft({
            ...draft,
            out_of_hours_text: e.currentTarget.value.trim() ? e.currentTarget.value : null,
          })
        }
        w={480}
      />
      {save.error && <ErrorDetails error={save.error} title={t('hours.notSaved')} />}
      <Group gap="xs">
        <Button
          loading={save.isPending}
          onClick={() => save.mutate(draft, { onSuccess: () => toasts.showSuccess(t('hours.saved')) })}
        >
          {t('hours.save')}
        </Button>
        {saved && (
          <Button
            variant="subtle"
            color="red"
            loading={remove.isPending}
            onClick={() => remove.mutate(undefined, { onError: toasts.showError })}
          >
            {t('hours.remove')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** A number's business hours: its time zone, weekly hours, holidays and out-of-hours reply. */
export function BusinessHoursSettings() {
  const { t } = useTranslation('settings');
  const numbers = useNumbers();
  const [picked, setPicked] = useState<string | null>(null);
  const phoneNumberId = picked ?? numbers.data?.[0]?.id ?? null;
  const hours = useBusinessHours(phoneNumberId);
  if (numbers.error) return <ErrorNotice error={numbers.error} onRetry={() => numbers.refetch()} />;
  return (
    <Stack gap="sm">
      <Select
        label={t('hours.number')}
        data={(numbers.data ?? []).map((n) => ({
          value: n.id,
          label: `${n.verified_name ?? ''} ${formatPhone(n.display_phone_number)}`.trim(),
        }))}
        value={phoneNumberId}
        onChange={setPicked}
        w={320}
      />
      <Paper withBorder p="md">
        {!phoneNumberId ? (
          <Text c="dimmed">{t('hours.noNumber')}</Text>
        ) : hours.isPending ? (
          <Loader aria-label={t('hours.loading')} />
        ) : hours.error ? (
          <ErrorNotice error={hours.error} onRetry={() => hours.refetch()} />
        ) : (
          <HoursForm
            key={`${phoneNumberId}:${hours.data?.updated_at ?? 'none'}`}
            phoneNumberId={phoneNumberId}
            saved={hours.data}
          />
        )}
      </Paper>
    </Stack>
  );
}
