import { Badge, Tooltip } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatDuration, parseTime } from '../../../shared/format.ts';

type WindowCountdownProps = { expiresAt: string | null };

const TICK_MS = 15_000;
const WARN_MS = 60 * 60_000;

/** Time left in the customer-service window; turns orange in the last hour. */
export function WindowCountdown({ expiresAt }: WindowCountdownProps) {
  const { t } = useTranslation('inbox');
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), TICK_MS);
    return () => window.clearInterval(timer);
  }, []);
  const end = parseTime(expiresAt);
  if (end === null) return null;
  const left = end - now;
  return (
    <Tooltip label={t('window.until', { at: formatDateTime(expiresAt) })}>
      <Badge
        variant="light"
        color={left < WARN_MS ? 'orange' : 'teal'}
        tt="none"
        data-testid="window-countdown"
      >
        {t('window.open', { left: formatDuration(left) })}
      </Badge>
    </Tooltip>
  );
}

/** Whether the window is still open at this moment (the API's `open` was computed at fetch time). */
export function useWindowOpen(window_: { expires_at: string | null; open: boolean }): boolean {
  const end = parseTime(window_.expires_at);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (end === null || end <= Date.now()) return;
    const timer = globalThis.setTimeout(
      () => setNow(Date.now()),
      Math.min(end - Date.now() + 50, 2 ** 31 - 1),
    );
    return () => globalThis.clearTimeout(timer);
  }, [end]);
  return window_.open && !(end !== null && end <= now);
}
