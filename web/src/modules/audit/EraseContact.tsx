import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';

type Erasure = {
  contact_id: string;
  entry: number;
  messages: number;
  conversations: number;
  payloads: number;
};

function useEraseContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { contact_id: string; confirm: string; reason: string }) =>
      api<Erasure>('/api/audit/erasures', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries(),
  });
}

/**
 * The admin action that erases a contact (GDPR): a confirmation that asks for the contact's phone
 * number again and a request reference. A legal hold refuses it, and the dialog says so.
 */
export function EraseContactButton({ contactId }: { contactId: string }) {
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState('');
  const [reason, setReason] = useState('');
  const erase = useEraseContact();
  const toasts = useToasts();
  const close = () => {
    setOpen(false);
    setConfirm('');
    setReason('');
    erase.reset();
  };
  return (
    <>
      <Button size="xs" color="red" variant="light" onClick={() => setOpen(true)}>
        Erase contact…
      </Button>
      <Modal opened={open} onClose={close} title="Erase this contact (GDPR)">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            erase.mutate(
              { contact_id: contactId, confirm: confirm.trim(), reason: reason.trim() },
              {
                onSuccess: (r) => {
                  toasts.showSuccess(
                    `Contact erased: ${r.messages} messages and ${r.conversations} conversations removed; the archive records it as entry ${r.entry}.`,
                  );
                  close();
                },
              },
            );
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              This destroys the contact's encryption key and removes the contact, its conversations and
              messages from the hub. The archive keeps that the entries existed and that they were erased, but
              nobody can read their content again. It cannot be undone.
            </Text>
            <TextInput
              label="Type the contact's phone number to confirm"
              placeholder="e.g. 16505551234"
              value={confirm}
              onChange={(e) => setConfirm(e.currentTarget.value)}
              required
            />
            <TextInput
              label="Request reference"
              description="Recorded in the log: a ticket or request number, not the person's name."
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              required
            />
            {erase.error && <ErrorNotice error={erase.error} />}
            {erase.error && (erase.error as { code?: string }).code === 'LEGAL_HOLD_ACTIVE' && (
              <Alert color="orange" title="Under legal hold">
                Release the hold first (if the case allows it); until then this content must be kept.
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button
                type="submit"
                color="red"
                loading={erase.isPending}
                disabled={!confirm.trim() || !reason.trim()}
              >
                Erase permanently
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
