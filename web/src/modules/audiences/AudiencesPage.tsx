import { Box, Tabs } from '@mantine/core';
import type { Me } from '../../api/types.ts';
import { navigate } from '../../shared/router.tsx';
import { ConsentSettingsPanel } from '../consent/ConsentSettingsPanel.tsx';
import { ContactImportPanel } from './ContactImportPanel.tsx';
import { SegmentBuilder } from './SegmentBuilder.tsx';

/** Audiences: segments with a live count, CSV contact import, and each number's consent settings. */
export function AudiencesPage({ me, tab }: { me: Me; tab: string | undefined }) {
  const current = tab === 'import' || tab === 'consent' ? tab : 'segments';
  return (
    <Box p="md">
      <Tabs value={current} onChange={(v) => navigate(`/audiences/${v ?? 'segments'}`)} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="segments">Segments</Tabs.Tab>
          <Tabs.Tab value="import">Import contacts</Tabs.Tab>
          <Tabs.Tab value="consent">Consent settings</Tabs.Tab>
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
