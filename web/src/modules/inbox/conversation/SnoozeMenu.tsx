import { Badge, Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../../api/types.ts';
import { formatDateTime } from '../../../shared/format.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { useSnooze, useSnoozeOptions, useUnsnooze } from '../ergonomics.api.ts';
import { utcToZonedLocal, zonedLocalToUtc } from './zoned-time.ts';

type SnoozeMenuProps = { conversation: Conversation };

/**
 * Snooze until a preset (1 hour, tonight, tomorrow morning, next week: on the number's clock) or a
 * time of one's own; while snoozed, when it comes back and a way to wake it now.
 */
export function SnoozeMenu({ conversation }: SnoozeMenuProps) {
  const { t } = useTranslation('inbox');
  const [menuOpen, setMenuOpen] = useState(false);
  const [customOpen, setCustomOpen] = useState(false);
  const options = useSnoozeOptions(conversation.id, menuOpen || customOpen || !!conversation.snoozed_until);
  const snooze = useSnooze(conversation.id);
  const unsnooze = useUnsnooze(conversation.id);
  const toasts = useToasts();
  const timeZone = options.data?.time_zone ?? 'UTC';
  const [custom, setCustom] = useState('');

  const handleSnooze = (input: { preset: string } | { until: string }) =>
    snooze.mutate(input, {
      onSuccess: (result) =>
        toasts.showSuccess(
          t('snooze.done', {
            time: formatDateTime(result.snoozed_until, { timeZone: options.data?.time_zone }),
          }),
        ),
      onError: toasts.showError,
    });

  const handleCustom = () => {
    const at = zonedLocalToUtc(custom, timeZone);
    if (at === null) return;
    setCustomOpen(false);
    handleSnooze({ until: new Date(at).toISOString() });
  };

  if (conversation.snoozed_until) {
    return (
      <Group gap={6} wrap="nowrap" data-testid="snoozed">
        <Badge variant="default" size="sm" tt="none">
          {t('snooze.until', {
            time: formatDateTime(conversation.snoozed_until, { timeZone: options.data?.time_zone }),
          })}
        </Badge>
        <Button
          size="compact-xs"
          variant="subtle"
          loading={unsnooze.isPending}
          onClick={() => unsnooze.mutate(undefined, { onError: toasts.showError })}
        >
          {t('snooze.wake')}
        </Button>
      </Group>
    );
  }

  return (
    <>
      <Menu position="bottom-end" withinPortal opened={menuOpen} onChange={setMenuOpen}>
        <Menu.Target>
          <Button size="compact-sm" variant="default" loading={snooze.isPending} data-testid="snooze-button">
            {t('snooze.button')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('snooze.label', { zone: timeZone })}</Menu.Label>
          {(options.data?.options ?? []).map((option) => (
            <Menu.Item
              key={option.preset}
              onClick={() => handleSnooze({ preset: option.preset })}
              rightSection={
                <Text size="xs" c="dimmed">
                  {formatDateTime(option.until, { timeZone })}
                </Text>
              }
            >
              {t(`snooze.presets.${option.preset}`)}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item
            onClick={() => {
              setCustom(utcToZonedLocal(Date.now() + 2 * 3_600_000, timeZone));
              setCustomOpen(true);
            }}
          >
            {t('snooze.custom')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={customOpen}
        onClose={() => setCustomOpen(false)}
        title={t('snooze.customTitle')}
        size="sm"
      >
        <Stack>
          <TextInput
            type="datetime-local"
            label={t('snooze.customLabel', { zone: timeZone })}
            value={custom}
            onChange={(event) => setCustom(event.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button onClick={handleCustom} disabled={!custom}>
              {t('snooze.button')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
