import { Alert, Button, Group, List, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { useDisconnectNumber } from './onboarding.api.ts';

/** "Disconnect…": explains what happens to the number and its data, then disconnects it from Coexist. */
export function DisconnectNumber({ phoneNumberId, label }: { phoneNumberId: string; label: string }) {
  const [open, setOpen] = useState(false);
  const disconnect = useDisconnectNumber();
  return (
    <>
      <Button size="xs" variant="subtle" color="red" onClick={() => setOpen(true)}>
        Disconnect…
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Disconnect ${label}`}>
        {disconnect.data ? (
          <Alert color="teal" title="Disconnected from Coexist">
            {disconnect.data.unsubscribed
              ? 'Coexist no longer receives this account’s webhooks.'
              : `Meta did not confirm the unsubscription${disconnect.data.unsubscribe_error ? `: ${disconnect.data.unsubscribe_error}` : ''}.`}{' '}
            Its token was {disconnect.data.token_forgotten ? 'deleted' : 'not stored'}. All data is kept.
          </Alert>
        ) : (
          <>
            <List size="sm" spacing={4}>
              <List.Item>Coexist stops sending from this number and stops receiving its webhooks.</List.Item>
              <List.Item>The account's token is deleted and its encryption key destroyed.</List.Item>
              <List.Item>
                Conversations, messages, contacts and the archive are kept, read-only for sending.
              </List.Item>
              <List.Item>
                The phone stays linked to Meta's Cloud API until the owner disconnects in the app: WhatsApp
                Business › Settings › Account › Business Platform › Disconnect. Connecting it again later
                starts a new onboarding (new one-time syncs).
              </List.Item>
            </List>
            {disconnect.isError && (
              <Text c="red" size="sm" mt="xs">
                {errorMessage(disconnect.error)}
              </Text>
            )}
            <Group justify="flex-end" mt="md">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button
                color="red"
                loading={disconnect.isPending}
                onClick={() => disconnect.mutate(phoneNumberId)}
              >
                Disconnect
              </Button>
            </Group>
          </>
        )}
      </Modal>
    </>
  );
}
