import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('audit');
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
        {t('erase.button')}
      </Button>
      <Modal opened={open} onClose={close} title={t('erase.title')}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            erase.mutate(
              { contact_id: contactId, confirm: confirm.trim(), reason: reason.trim() },
              {
                onSuccess: (r) => {
                  toasts.showSuccess(
                    t('erase.done', { messages: r.messages, conversations: r.conversations, entry: r.entry }),
                  );
                  close();
                },
              },
            );
          }}
        >
          <Stack gap="sm">
            <Text size="sm">{t('erase.explanation')}</Text>
            <TextInput
              label={t('erase.confirmLabel')}
              placeholder={t('erase.confirmPlaceholder')}
              value={confirm}
              onChange={(e) => setConfirm(e.currentTarget.value)}
              required
            />
            <TextInput
              label={t('erase.reason')}
              description={t('erase.reasonHint')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              required
            />
            {erase.error && <ErrorNotice error={erase.error} />}
            {erase.error && (erase.error as { code?: string }).code === 'LEGAL_HOLD_ACTIVE' && (
              <Alert color="orange" title={t('erase.holdTitle')}>
                {t('erase.holdText')}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common:actions.cancel')}
              </Button>
              <Button
                type="submit"
                color="red"
                loading={erase.isPending}
                disabled={!confirm.trim() || !reason.trim()}
              >
                {t('erase.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
