import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useToasts } from '../../shared/toasts.tsx';
import { useSession } from '../auth/auth.api.ts';
import { useSwitchOrganisation } from './organisations.api.ts';

/**
 * The top bar's choice of organisation, for a user in several (the provider administrator sees
 * every one). The server keeps the choice in the session, so every screen then shows that
 * organisation's numbers, conversations and people only.
 */
export function OrganisationSwitcher() {
  const { t } = useTranslation('organisations');
  const session = useSession();
  const switchTo = useSwitchOrganisation();
  const toasts = useToasts();
  const organisations = session.data?.organisations ?? [];
  if (organisations.length < 2 || !session.data) return null;

  const handleChange = (id: string | null) => {
    if (!id || id === session.data?.organisation.id) return;
    switchTo.mutate(id, { onError: toasts.showError });
  };

  return (
    <Select
      size="xs"
      w={{ base: 140, sm: 200 }}
      aria-label={t('switcher.label')}
      data-testid="organisation-switcher"
      data={organisations.map((o) => ({ value: o.id, label: o.name }))}
      value={session.data.organisation.id}
      allowDeselect={false}
      searchable={organisations.length > 8}
      disabled={switchTo.isPending}
      onChange={handleChange}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
