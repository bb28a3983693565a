import { ActionIcon, Button, Checkbox, Group, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { locale } from '../../shared/format.ts';
import type { ApiBusinessHours } from './routing.api.ts';

export type Weekly = ApiBusinessHours['weekly'];
type Day = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';

/** Monday first, as people read a week's hours. */
const WEEK: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The weekdays named in the user's language (1 January 2024 was a Monday). */
function weekdays(): { day: Day; label: string }[] {
  const lang = locale();
  return WEEK.map((day, i) => {
    const name = new Date(Date.UTC(2024, 0, 1 + i)).toLocaleDateString(lang, {
      weekday: 'long',
      timeZone: 'UTC',
    });
    return { day, label: name.charAt(0).toLocaleUpperCase(lang) + name.slice(1) };
  });
}

/**
 * Open intervals per weekday in local time (a day without intervals is closed). The server checks
 * each interval (`HH:MM`, ending after it starts) and says which one is wrong.
 */
export function WeeklyHoursEditor({ value, onChange }: { value: Weekly; onChange: (w: Weekly) => void }) {
  const { t } = useTranslation('settings');
  const setDay = (day: Day, intervals: [string, string][] | undefined) => {
    const next = { ...value };
    if (intervals && intervals.length > 0) next[day] = intervals;
    else delete next[day];
    onChange(next);
  };
  return (
    <Stack gap={6}>
      {weekdays().map(({ day, label }) => {
        const intervals = (value[day] ?? []) as [string, string][];
        const open = intervals.length > 0;
        return (
          <Group key={day} gap="xs" align="center" data-testid="weekday" data-day={day}>
            <Checkbox
              w={120}
              label={label}
              checked={open}
              onChange={(e) => setDay(day, e.currentTarget.checked ? [['09:00', '17:00']] : undefined)}
            />
            {!open && (
              <Text size="sm" c="dimmed">
                {t('hours.closed')}
              </Text>
            )}
            {intervals.map(([from, to], i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: intervals are edited in place, by position
              <Group key={i} gap={4} wrap="nowrap">
                <TextInput
                  type="time"
                  size="xs"
                  aria-label={t('hours.opens', { day: label })}
                  value={from}
                  onChange={(e) =>
                    setDay(
                      day,
                      intervals.map((x, j) => (j === i ? [e.currentTarget.value, x[1]] : x)),
                    )
                  }
                />
                <Text size="xs">–</Text>
                <TextInput
                  type="time"
                  size="xs"
                  aria-label={t('hours.closes', { day: label })}
                  value={to}
                  onChange={(e) =>
                    setDay(
                      day,
                      intervals.map((x, j) => (j === i ? [x[0], e.currentTarget.value] : x)),
                    )
                  }
                />
                <ActionIcon
                  size="sm"
                  variant="subtle"
                  color="red"
                  aria-label={t('hours.removeInterval', { day: label, n: i + 1 })}
                  onClick={() =>
                    setDay(
                      day,
                      intervals.filter((_, j) => j !== i),
                    )
                  }
                >
                  ✕
                </ActionIcon>
              </Group>
            ))}
            {open && intervals.length < 6 && (
              <Button
                size="compact-xs"
                variant="subtle"
                onClick={() => setDay(day, [...intervals, ['14:00', '18:00']])}
              >
                {t('hours.addInterval')}
              </Button>
            )}
          </Group>
        );
      })}
    </Stack>
  );
}

/** The zones the runtime knows (the browser's own tz database), for the time-zone pickers. */
export function timeZones(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
