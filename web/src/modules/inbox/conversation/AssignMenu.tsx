import { Button, Menu } from '@mantine/core';
import type { Conversation, Me } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { useAgentNames, useAgents, useTeams, useUpdateConversation } from '../inbox.api.ts';

type AssignMenuProps = { me: Me; conversation: Conversation };

/** Assign to me, transfer to another agent or to a team, or unassign. */
export function AssignMenu({ me, conversation }: AssignMenuProps) {
  const users = useAgents();
  const teams = useTeams();
  const update = useUpdateConversation(conversation.id);
  const toasts = useToasts();

  const names = useAgentNames([conversation.assignee_user_id]);
  const team = teams.data?.find((t) => t.id === conversation.team_id);
  const agents = users.data ?? [];
  const label = conversation.assignee_user_id
    ? `Assigned: ${conversation.assignee_user_id === me.id ? 'me' : (names.get(conversation.assignee_user_id) ?? 'someone')}`
    : 'Unassigned';

  const handleAssign = (
    patch: { assignee_user_id?: string | null; team_id?: string | null } | 'takeOver',
    done: string,
  ) => {
    update.mutate(patch, { onSuccess: () => toasts.showSuccess(done), onError: toasts.showError });
  };

  return (
    <>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button size="compact-xs" variant="default" loading={update.isPending} data-testid="assign-button">
            {label}
          </Button>
        </Menu.Target>
        <Menu.Dropdown mah={360} style={{ overflowY: 'auto' }}>
          {conversation.assignee_user_id !== me.id &&
            (conversation.assignee_user_id && me.can.take_over ? (
              <Menu.Item onClick={() => handleAssign('takeOver', 'You took over this conversation')}>
                Take over
              </Menu.Item>
            ) : (
              <Menu.Item onClick={() => handleAssign({ assignee_user_id: me.id }, 'Assigned to you')}>
                Assign to me
              </Menu.Item>
            ))}
          {conversation.assignee_user_id && (
            <Menu.Item onClick={() => handleAssign({ assignee_user_id: null }, 'Unassigned')}>
              Unassign
            </Menu.Item>
          )}
          <Menu.Label>Transfer to an agent</Menu.Label>
          {agents
            .filter((user) => user.id !== conversation.assignee_user_id && user.id !== me.id)
            .map((user) => (
              <Menu.Item
                key={user.id}
                onClick={() => handleAssign({ assignee_user_id: user.id }, `Transferred to ${user.name}`)}
              >
                {user.name}
              </Menu.Item>
            ))}
        </Menu.Dropdown>
      </Menu>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button size="compact-xs" variant="default" data-testid="team-button">
            {team ? `Team: ${team.name}` : 'No team'}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Transfer to a team</Menu.Label>
          {(teams.data ?? []).map((t) => (
            <Menu.Item
              key={t.id}
              disabled={t.id === conversation.team_id}
              onClick={() =>
                handleAssign({ team_id: t.id, assignee_user_id: null }, `Transferred to ${t.name}`)
              }
            >
              {t.name}
            </Menu.Item>
          ))}
          {conversation.team_id && (
            <Menu.Item onClick={() => handleAssign({ team_id: null }, 'Removed from the team')}>
              No team
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
    </>
  );
}
