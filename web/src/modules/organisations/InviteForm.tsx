import { Button, Group, Select, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatedInvitation, Role } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { InvitationLink } from './InvitationLink.tsx';

/**
 * Inviting someone by email with a role, then the link to pass on: the Members page (into the
 * caller's organisation) and the provider administrator's view of one organisation (into that one).
 */
export function InviteForm(props: {
  /** The form's accessible name. */
  label: string;
  roles: readonly Role[];
  defaultRole: Role;
  pending: boolean;
  error: unknown;
  invitation: CreatedInvitation | undefined;
  /** Sends the invitation; `done` clears the email once it is made. */
  onInvite(email: string, role: Role, done: () => void): void;
}) {
  const { t } = useTranslation('organisations');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(props.defaultRole);

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    props.onInvite(email, role, () => setEmail(''));
  };

  return (
    <>
      <form onSubmit={handleSubmit} aria-label={props.label}>
        <Group align="flex-end" wrap="wrap" gap="xs">
          <TextInput
            label={t('invite.email')}
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            w={260}
          />
          <Select
            label={t('members.role')}
            data={props.roles.map((r) => ({ value: r, label: t(`common:roles.${r}`) }))}
            value={role}
            allowDeselect={false}
            onChange={(value) => setRole((value ?? props.defaultRole) as Role)}
            w={150}
          />
          <Button type="submit" loading={props.pending}>
            {t('invite.button')}
          </Button>
        </Group>
      </form>
      {props.error ? <ErrorNotice error={props.error} /> : null}
      {props.invitation && <InvitationLink invitation={props.invitation} />}
    </>
  );
}
