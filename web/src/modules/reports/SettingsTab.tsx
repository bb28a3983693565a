import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { locale } from '../../shared/format.ts';
import { type NumberSettings, useNumberSettings, useSaveNumberSettings } from './reports.api.ts';

/** Sunday (0) to Saturday (6), short, in the user's language: 1 January 2023 was a Sunday. */
const weekdays = () =>
  Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(locale(), { weekday: 'short', timeZone: 'UTC' }).format(Date.UTC(2023, 0, 1 + i)),
  );

/** One number's form: business hours (one daily interval on the chosen weekdays), holidays, SLA targets, CSAT. */
function NumberSettingsForm({ settings }: { settings: NumberSettings }) {
  const { t } = useTranslation('reports');
  const save = useSaveNumberSettings();
  const first = settings.business_hours?.[0];
  const [timeZone, setTimeZone] = useState(settings.time_zone);
  const [days, setDays] = useState<string[]>((settings.business_hours ?? []).map((i) => String(i.day)));
  const [start, setStart] = useState(first?.start ?? '09:00');
  const [end, setEnd] = useState(first?.end ?? '18:00');
  const [holidays, setHolidays] = useState(settings.holidays.join(', '));
  const [frt, setFrt] = useState<number | string>(settings.first_response_target_minutes ?? '');
  const [resolution, setResolution] = useState<number | string>(settings.resolution_target_minutes ?? '');
  const [csat, setCsat] = useState(settings.csat_enabled);
  const minutes = (v: number | string) => (typeof v === 'number' && v > 0 ? v : null);
  const handleSave = () =>
    save.mutate({
      id: settings.phone_number_id,
      body: {
        time_zone: timeZone,
        business_hours: days.length > 0 ? days.map((d) => ({ day: Number(d), start, end })) : null,
        holidays: holidays
          .split(/[\s,]+/)
          .map((h) => h.trim())
          .filter(Boolean),
        first_response_target_minutes: minutes(frt),
        resolution_target_minutes: minutes(resolution),
        csat_enabled: csat,
        csat_question: settings.csat_question,
        csat_template: settings.csat_template,
      },
    });
  return (
    <Stack gap="sm" maw={640}>
      <TextInput
        label={t('settings.timeZone')}
        value={timeZone}
        onChange={(e) => setTimeZone(e.currentTarget.value)}
      />
      <Checkbox.Group label={t('settings.days')} value={days} onChange={setDays}>
        <Group gap="xs" mt={4}>
          {weekdays().map((d, i) => (
            <Checkbox key={d} value={String(i)} label={d} />
          ))}
        </Group>
      </Checkbox.Group>
      <Group>
        <TextInput
          label={t('settings.opens')}
          type="time"
          value={start}
          onChange={(e) => setStart(e.currentTarget.value)}
        />
        <TextInput
          label={t('settings.closes')}
          type="time"
          value={end}
          onChange={(e) => setEnd(e.currentTarget.value)}
        />
      </Group>
      <TextInput
        label={t('settings.holidays')}
        description={t('settings.holidaysHint')}
        value={holidays}
        onChange={(e) => setHolidays(e.currentTarget.value)}
      />
      <Group>
        <NumberInput label={t('settings.frtTarget')} min={1} value={frt} onChange={setFrt} />
        <NumberInput
          label={t('settings.resolutionTarget')}
          min={1}
          value={resolution}
          onChange={setResolution}
        />
      </Group>
      <Switch label={t('settings.csat')} checked={csat} onChange={(e) => setCsat(e.currentTarget.checked)} />
      {save.error && <ErrorNotice error={save.error} />}
      {save.isSuccess && <Text c="teal.9">{t('common:states.saved')}</Text>}
      <Group>
        <Button onClick={handleSave} loading={save.isPending}>
          {t('common:actions.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Report settings per number (admins change them; others see them). */
export function SettingsTab() {
  const { t } = useTranslation('reports');
  const settings = useNumberSettings();
  const [id, setId] = useState<string | null>(null);
  if (settings.error) return <ErrorNotice error={settings.error} onRetry={() => settings.refetch()} />;
  const list = settings.data?.data ?? [];
  const chosen = list.find((s) => s.phone_number_id === id) ?? list[0];
  if (!chosen) return <Alert color="gray">{t('settings.noNumber')}</Alert>;
  return (
    <Stack gap="md">
      <Select
        label={t('filters.number')}
        data={list.map((s) => s.phone_number_id)}
        value={chosen.phone_number_id}
        onChange={setId}
        w={240}
      />
      <NumberSettingsForm key={chosen.phone_number_id} settings={chosen} />
    </Stack>
  );
}
