import { Notification, Stack } from '@mantine/core';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/client.ts';

type Toast = { id: number; message: string; color: 'red' | 'teal' };

type ToastApi = { showError: (error: unknown) => void; showSuccess: (message: string) => void };

const ToastContext = createContext<ToastApi>({ showError: () => {}, showSuccess: () => {} });

const TOAST_MS = 6000;

/** Short-lived notices for mutations (send failed, conversation resolved, …). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [toasts, setToasts] = useState<Toast[]>([]);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (message: string, color: Toast['color']) => {
      const id = Date.now() + Math.random();
      setToasts((all) => [...all.slice(-3), { id, message, color }]);
      window.setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );
  const value = useMemo<ToastApi>(
    () => ({
      showError: (error) => push(errorMessage(error), 'red'),
      showSuccess: (message) => push(message, 'teal'),
    }),
    [push],
  );

  return (
    <ToastContext.Provider value={value}>
      {children}
      <Stack
        pos="fixed"
        bottom={16}
        right={16}
        gap="xs"
        style={{ zIndex: 400, maxWidth: 'calc(100vw - 32px)' }}
        aria-live="polite"
      >
        {toasts.map((toast) => (
          <Notification
            key={toast.id}
            color={toast.color}
            onClose={() => dismiss(toast.id)}
            closeButtonProps={{ 'aria-label': t('actions.dismiss') }}
            role={toast.color === 'red' ? 'alert' : 'status'}
          >
            {toast.message}
          </Notification>
        ))}
      </Stack>
    </ToastContext.Provider>
  );
}

export function useToasts(): ToastApi {
  return useContext(ToastContext);
}
