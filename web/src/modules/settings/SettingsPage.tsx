import type { Me } from '../../api/types.ts';

type SettingsPageProps = { me: Me; tab: string | undefined };

export function SettingsPage({ me, tab }: SettingsPageProps) {
  return (
    <div>
      Settings {me.name} {tab}
    </div>
  );
}
