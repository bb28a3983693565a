import { Button, Group, NumberInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useToasts } from '../../shared/toasts.tsx';
import {
  type ApiAutomationSettings,
  useAutomationSettings,
  useSaveAutomationSettings,
} from './automation.api.ts';
import { ErrorDetails } from './ErrorDetails.tsx';
import { PerNumberSettings } from './PerNumberSettings.tsx';

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
  return (
    <PerNumberSettings
      texts={{
        intro: t('handoff.intro'),
        number: t('handoff.number'),
        noNumber: t('handoff.noNumber'),
        loading: t('handoff.loading'),
      }}
      useSettings={useAutomationSettings}
    >
      {(saved, phoneNumberId) => (
        <HandoffForm
          key={`${phoneNumberId}:${saved.human_silence_minutes}:${saved.loop_cap_per_hour}`}
          saved={saved}
          canWrite={canWrite}
        />
      )}
    </PerNumberSettings>
  );
}
