import { Button, Group, Loader, NumberInput, Paper, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatPhone } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { useNumbers } from '../inbox/inbox.api.ts';
import {
  type ApiAutomationSettings,
  useAutomationSettings,
  useSaveAutomationSettings,
} from './automation.api.ts';
import { ErrorDetails } from './ErrorDetails.tsx';

/**
 * A number's handoff settings (`PUT /api/automation/settings/:numberId`): how long the humans'
 * silence must last after their last reply before bots and rules may speak again (each human reply
 * extends it; "keep with humans" and a handoff hold it whatever the silence), and the loop breaker's
 * cap of automated messages per conversation per hour.
 */
function HandoffForm({ saved, canWrite }: { saved: ApiAutomationSettings; canWrite: boolean }) {
  const { t } = useTranslation('automation');
  const [silence, setSilence] = useState<number>(saved.human_silence_minutes);
  const [cap, setCap] = useState<number>(saved.loop_cap_per_hour);
  const save = useSaveAutomationSettings(saved.phone_number_id);
  const toasts = useToasts();
  return (
    <Stack gap="sm" data-testid="handoff-settings">
      <NumberInput
        label={t('handoff.silence')}
        description={t('handoff.silenceHint')}
        min={1}
        max={7 * 24 * 60}
        value={silence}
        onChange={(v) => setSilence(Number(v) || 0)}
        disabled={!canWrite}
        w={360}
      />
      <NumberInput
        label={t('handoff.loopCap')}
        description={t('handoff.loopCapHint')}
        min={1}
        max={1000}
        value={cap}
        onChange={(v) => setCap(Number(v) || 0)}
        disabled={!canWrite}
        w={360}
      />
      {save.error && <ErrorDetails error={save.error} title={t('handoff.notSaved')} />}
      {canWrite && (
        <Group gap="xs">
          <Button
            loading={save.isPending}
            onClick={() =>
              save.mutate(
                { human_silence_minutes: silence, loop_cap_per_hour: cap },
                { onSuccess: () => toasts.showSuccess(t('handoff.saved')) },
              )
            }
          >
            {t('handoff.save')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The handoff settings of the number picked (the first one at first). */
export function HandoffSettings({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation('automation');
  const numbers = useNumbers();
  const [picked, setPicked] = useState<string | null>(null);
  const phoneNumberId = picked ?? numbers.data?.[0]?.id ?? null;
  const settings = useAutomationSettings(phoneNumberId);
  if (numbers.error) return <ErrorNotice error={numbers.error} onRetry={() => numbers.refetch()} />;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('handoff.intro')}
      </Text>
      <Select
        label={t('handoff.number')}
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
          <Text c="dimmed">{t('handoff.noNumber')}</Text>
        ) : settings.isPending ? (
          <Loader aria-label={t('handoff.loading')} />
        ) : settings.error ? (
          <ErrorNotice error={settings.error} onRetry={() => settings.refetch()} />
        ) : (
          <HandoffForm
            key={`${phoneNumberId}:${settings.data.human_silence_minutes}:${settings.data.loop_cap_per_hour}`}
            saved={settings.data}
            canWrite={canWrite}
          />
        )}
      </Paper>
    </Stack>
  );
}
