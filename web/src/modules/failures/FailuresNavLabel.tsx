import { Badge, Group, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useOpenFailureCounts } from './failures.api.ts';

/** "Failures" with the number still open, for the top bar (mounted only for those who may retry). */
export function FailuresNavLabel() {
  const { t } = useTranslation('failures');
  const { total, more } = useOpenFailureCounts();
  if (total === 0) return <>{t('app:nav.failures')}</>;
  const shown = more ? `${total}+` : String(total);
  return (
    <Group gap={6} wrap="nowrap" component="span">
      {t('app:nav.failures')}
      <Badge size="xs" color="red" circle={shown.length === 1} data-testid="failures-badge" aria-hidden>
        {shown}
      </Badge>
      {/* The plural form is chosen by the number; `shown` is what is read out ("50+"). */}
      <VisuallyHidden>{` ${t('openCount', { count: total, shown })}`}</VisuallyHidden>
    </Group>
  );
}
