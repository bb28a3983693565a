import { Box, Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../api/types.ts';
import { navigate } from '../../shared/router.tsx';
import { ConsentSettingsPanel } from '../consent/ConsentSettingsPanel.tsx';
import { ContactImportPanel } from './ContactImportPanel.tsx';
import { SegmentBuilder } from './SegmentBuilder.tsx';

/** Audiences: segments with a live count, CSV contact import, and each number's consent settings. */
export function AudiencesPage({ me, tab }: { me: Me; tab: string | undefined }) {
  const { t } = useTranslation('audiences');
  const current = tab === 'import' || tab === 'consent' ? tab : 'segments';
  return (
    <Box p="md">
      <Tabs value={current} onChange={(v) => navigate(`/audiences/${v ?? 'segments'}`)} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="segments">{t('tabs.segments')}</Tabs.Tab>
          <Tabs.Tab value="import">{t('tabs.import')}</Tabs.Tab>
          <Tabs.Tab value="consent">{t('tabs.consent')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="segments">
          <SegmentBuilder />
        </Tabs.Panel>
        <Tabs.Panel value="import">
          <ContactImportPanel />
        </Tabs.Panel>
        <Tabs.Panel value="consent">
          <ConsentSettingsPanel canEdit={me.can.manage_numbers} />
        </Tabs.Panel>
      </Tabs>
    </Box>
  );
}
