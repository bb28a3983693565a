import { Button, Menu } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Conversation, Me } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { useAgentNames, useAgents, useTeams, useUpdateConversation } from '../inbox.api.ts';

type AssignMenuProps = { me: Me; conversation: Conversation };

/** Assign to me, transfer to another agent or to a team, or unassign. */
export function AssignMenu({ me, conversation }: AssignMenuProps) {
  const { t } = useTranslation('inbox');
  const users = useAgents();
  const teams = useTeams();
  const update = useUpdateConversation(conversation.id);
  const toasts = useToasts();

  const names = useAgentNames([conversation.assignee_user_id]);
  const team = teams.data?.find((tm) => tm.id === conversation.team_id);
  const agents = users.data ?? [];
  const label = conversation.assignee_user_id
    ? t('assign.assigned', {
        name:
          conversation.assignee_user_id === me.id
            ? t('assign.me')
            : (names.get(conversation.assignee_user_id) ?? t('assign.someone')),
      })
    : t('assign.unassigned');

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
              <Menu.Item onClick={() => handleAssign('takeOver', t('assign.tookOver'))}>
                {t('assign.takeOver')}
              </Menu.Item>
            ) : (
              <Menu.Item onClick={() => handleAssign({ assignee_user_id: me.id }, t('assign.assignedToYou'))}>
                {t('assign.assignToMe')}
              </Menu.Item>
            ))}
          {conversation.assignee_user_id && (
            <Menu.Item onClick={() => handleAssign({ assignee_user_id: null }, t('assign.unassigned'))}>
              {t('assign.unassign')}
            </Menu.Item>
          )}
          <Menu.Label>{t('assign.toAgent')}</Menu.Label>
          {agents
            .filter((user) => user.id !== conversation.assignee_user_id && user.id !== me.id)
            .map((user) => (
              <Menu.Item
                key={user.id}
                onClick={() =>
                  handleAssign({ assignee_user_id: user.id }, t('assign.transferred', { name: user.name }))
                }
              >
                {user.name}
              </Menu.Item>
            ))}
        </Menu.Dropdown>
      </Menu>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button size="compact-xs" variant="default" data-testid="team-button">
            {team ? t('assign.team', { name: team.name }) : t('assign.noTeam')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('assign.toTeam')}</Menu.Label>
          {(teams.data ?? []).map((tm) => (
            <Menu.Item
              key={tm.id}
              disabled={tm.id === conversation.team_id}
              onClick={() =>
                handleAssign(
                  { team_id: tm.id, assignee_user_id: null },
                  t('assign.transferred', { name: tm.name }),
                )
              }
            >
              {tm.name}
            </Menu.Item>
          ))}
          {conversation.team_id && (
            <Menu.Item onClick={() => handleAssign({ team_id: null }, t('assign.removedFromTeam'))}>
              {t('assign.noTeam')}
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
    </>
  );
}
