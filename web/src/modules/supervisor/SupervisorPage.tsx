import type { Me } from '../../api/types.ts';

type SupervisorPageProps = { me: Me };

export function SupervisorPage({ me }: SupervisorPageProps) {
  return <div>Supervisor {me.name}</div>;
}
