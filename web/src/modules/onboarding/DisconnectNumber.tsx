import { Alert, Button, Group, List, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { useDisconnectNumber } from './onboarding.api.ts';

/** "Disconnect…": explains what happens to the number and its data, then disconnects it from Coexist. */
export function DisconnectNumber({ phoneNumberId, label }: { phoneNumberId: string; label: string }) {
  const { t } = useTranslation('onboarding');
  const [open, setOpen] = useState(false);
  const disconnect = useDisconnectNumber();
  return (
    <>
      <Button size="xs" variant="subtle" color="red" onClick={() => setOpen(true)}>
        {t('disconnect.button')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('disconnect.title', { label })}>
        {disconnect.data ? (
          <Alert color="teal" title={t('disconnect.doneTitle')}>
            {disconnect.data.unsubscribed
              ? t('disconnect.unsubscribed')
              : disconnect.data.unsubscribe_error
                ? t('disconnect.notConfirmedBecause', { error: disconnect.data.unsubscribe_error })
                : t('disconnect.notConfirmed')}{' '}
            {disconnect.data.token_forgotten ? t('disconnect.tokenDeleted') : t('disconnect.tokenNotStored')}
          </Alert>
        ) : (
          <>
            <List size="sm" spacing={4}>
              <List.Item>{t('disconnect.stopsSending')}</List.Item>
              <List.Item>{t('disconnect.tokenDestroyed')}</List.Item>
              <List.Item>{t('disconnect.dataKept')}</List.Item>
              <List.Item>{t('disconnect.phoneLinked')}</List.Item>
            </List>
            {disconnect.isError && (
              <Text c="red" size="sm" mt="xs">
                {errorMessage(disconnect.error)}
              </Text>
            )}
            <Group justify="flex-end" mt="md">
              <Button variant="default" onClick={() => setOpen(false)}>
                {t('common:actions.cancel')}
              </Button>
              <Button
                color="red"
                loading={disconnect.isPending}
                onClick={() => disconnect.mutate(phoneNumberId)}
              >
                {t('disconnect.submit')}
              </Button>
            </Group>
          </>
        )}
      </Modal>
    </>
  );
}
