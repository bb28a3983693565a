import { ActionIcon, Alert, Button, Group, Menu, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useToasts } from '../../shared/toasts.tsx';
import { useNotificationSettings, useUpdateNotificationSettings } from './ergonomics.api.ts';
import { BellIcon } from './icons.tsx';
import { notificationsSupported, playChime } from './notify.ts';

const DISMISSED_KEY = 'coexist.notifications.dismissed';

function permission(): NotificationPermission | 'unsupported' {
  return notificationsSupported() ? Notification.permission : 'unsupported';
}

/**
 * A quiet offer to turn browser notifications on: shown only while they are on in my settings and
 * the browser has not been asked yet; the browser's prompt opens only when I click, never on load.
 */
export function NotificationBanner() {
  const { t } = useTranslation('inbox');
  const settings = useNotificationSettings();
  const [state, setState] = useState(permission);
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(DISMISSED_KEY) === '1');
  if (!settings.data?.notifications || state !== 'default' || dismissed) return null;

  const handleEnable = async () => {
    const answer = await Notification.requestPermission();
    setState(answer);
    if (answer === 'granted' && settings.data?.sound) playChime();
  };
  const handleLater = () => {
    localStorage.setItem(DISMISSED_KEY, '1');
    setDismissed(true);
  };

  return (
    <Alert variant="outline" color="gray" p="xs" radius={0} data-testid="notification-banner">
      <Text size="xs">{t('notifications.offer')}</Text>
      <Group gap="xs" mt={6}>
        <Button size="compact-xs" onClick={handleEnable}>
          {t('notifications.turnOn')}
        </Button>
        <Button size="compact-xs" variant="subtle" onClick={handleLater}>
          {t('notifications.notNow')}
        </Button>
      </Group>
    </Alert>
  );
}

/** My notification settings: on or off, with or without sound, and what the browser allows. */
export function NotificationSettingsMenu() {
  const { t } = useTranslation('inbox');
  const settings = useNotificationSettings();
  const update = useUpdateNotificationSettings();
  const toasts = useToasts();
  const current = settings.data;
  const browser = permission();
  const handleChange = (change: { notifications?: boolean; sound?: boolean }) =>
    update.mutate(change, { onError: toasts.showError });

  return (
    <Menu position="bottom-end" withinPortal closeOnItemClick={false}>
      <Menu.Target>
        <ActionIcon
          variant="subtle"
          aria-label={t('notifications.settings')}
          data-testid="notification-settings"
        >
          <BellIcon off={current ? !current.notifications : false} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown p="sm" maw={280}>
        <Switch
          label={t('notifications.enabled')}
          checked={current?.notifications ?? true}
          onChange={(event) => handleChange({ notifications: event.currentTarget.checked })}
        />
        <Switch
          mt="xs"
          label={t('notifications.sound')}
          checked={current?.sound ?? true}
          disabled={!current?.notifications}
          onChange={(event) => handleChange({ sound: event.currentTarget.checked })}
        />
        {browser === 'denied' && (
          <Text size="xs" c="dimmed" mt="xs">
            {t('notifications.blocked')}
          </Text>
        )}
        {browser === 'default' && current?.notifications && (
          <Button
            mt="xs"
            size="compact-xs"
            variant="light"
            onClick={() => void Notification.requestPermission()}
          >
            {t('notifications.turnOn')}
          </Button>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
