import { Group, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Slot, SlotValue } from './parameter-slots.ts';

type ParameterFormProps = {
  slots: Slot[];
  values: Record<string, SlotValue>;
  onChange: (values: Record<string, SlotValue>) => void;
};

/**
 * One row per thing the template needs at send time: each variable from a contact attribute with a
 * fallback (or a fixed value), the media header's file (a link, or a contact attribute holding one),
 * each URL variable and copy code.
 */
export function ParameterForm({ slots, values, onChange }: ParameterFormProps) {
  const { t } = useTranslation('campaigns');
  const set = (key: string, patch: Partial<SlotValue>) =>
    onChange({ ...values, [key]: { attribute: '', fallback: '', ...values[key], ...patch } });
  if (slots.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('parameters.none')}
      </Text>
    );
  return (
    <Stack gap="xs" data-testid="parameter-form">
      <Text size="sm" fw={500}>
        {t('parameters.title')}
      </Text>
      {slots.map((s) => {
        const label =
          s.kind === 'media'
            ? t(`parameters.media.${s.mediaType}`)
            : s.kind === 'button'
              ? t(s.button === 'url' ? 'parameters.url' : 'parameters.copyCode', {
                  index: Number(s.index) + 1,
                })
              : t(`parameters.${s.kind}`, { variable: `{{${s.name}}}` });
        const v = values[s.key] ?? { attribute: '', fallback: '' };
        return (
          <Group key={s.key} grow align="flex-end" gap="xs">
            <TextInput
              size="xs"
              label={label}
              description={s.kind === 'media' ? t('parameters.mediaAttribute') : t('parameters.attribute')}
              value={v.attribute}
              onChange={(e) => set(s.key, { attribute: e.currentTarget.value })}
            />
            <TextInput
              size="xs"
              aria-label={`${label}: ${s.kind === 'media' ? t('parameters.link') : t('parameters.fallback')}`}
              description={s.kind === 'media' ? t('parameters.link') : t('parameters.fallback')}
              placeholder={s.kind === 'media' ? 'https://' : undefined}
              value={v.fallback}
              onChange={(e) => set(s.key, { fallback: e.currentTarget.value })}
            />
          </Group>
        );
      })}
    </Stack>
  );
}
