import { Loader, Paper, Select, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatPhone } from '../../shared/format.ts';
import { useNumbers } from '../inbox/inbox.api.ts';

type PerNumberSettingsProps<T> = {
  /** The texts: an introduction, the number picker's label, no number yet, loading (already translated). */
  readonly texts: { intro: string; number: string; noNumber: string; loading: string };
  /** The query of the settings of a number (a hook: the same one on every render). */
  readonly useSettings: (phoneNumberId: string | null) => UseQueryResult<T>;
  /** The form for the settings read, of the number picked. */
  readonly children: (saved: T, phoneNumberId: string) => ReactNode;
};

/** Settings kept per number: a number picker (the first number at first) above the picked number's form. */
export function PerNumberSettings<T>({ texts, useSettings, children }: PerNumberSettingsProps<T>) {
  const numbers = useNumbers();
  const [picked, setPicked] = useState<string | null>(null);
  const phoneNumberId = picked ?? numbers.data?.[0]?.id ?? null;
  const settings = useSettings(phoneNumberId);
  if (numbers.error) return <ErrorNotice error={numbers.error} onRetry={() => numbers.refetch()} />;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {texts.intro}
      </Text>
      <Select
        label={texts.number}
        data={(numbers.data ?? []).map((n) => ({
          value: n.id,
          label: `${n.verified_name ?? ''} ${formatPhone(n.display_phone_number)}`.trim(),
        }))}
        value={phoneNumberId}
        onChange={setPicked}
        allowDeselect={false}
        w={320}
      />
      <Paper withBorder p="md">
        {!phoneNumberId ? (
          <Text c="dimmed">{texts.noNumber}</Text>
        ) : settings.isPending ? (
          <Loader aria-label={texts.loading} />
        ) : settings.error ? (
          <ErrorNotice error={settings.error} onRetry={() => settings.refetch()} />
        ) : (
          children(settings.data as T, phoneNumberId)
        )}
      </Paper>
    </Stack>
  );
}
