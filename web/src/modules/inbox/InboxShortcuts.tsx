import { Kbd, Modal, Table } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../shared/router.tsx';
import { LEAVE_FIELD_KEY, neighbour, SHORTCUTS, type ShortcutAction, shortcutFor } from './shortcuts.ts';

function click(selector: string): void {
  document.querySelector<HTMLElement>(selector)?.click();
}

function focusLater(selector: string): void {
  // After a tab switch the field mounts on the next frame.
  requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus());
}

/** Runs one shortcut on the page as it is (the list, the open conversation, its composer). */
function run(action: ShortcutAction, selectedId: string | undefined, openHelp: () => void): boolean {
  switch (action) {
    case 'next':
    case 'previous': {
      const ids = [...document.querySelectorAll<HTMLElement>('[data-testid="conversation-row"]')]
        .map((row) => row.dataset.conversationId)
        .filter((id): id is string => !!id);
      const to = neighbour(ids, selectedId, action === 'next' ? 1 : -1);
      if (to) navigate(`/inbox/${to}`, { replace: true });
      document.getElementById(`conversation-${to}`)?.scrollIntoView({ block: 'nearest' });
      return true;
    }
    case 'reply':
      click('[data-testid="composer-tab-reply"]');
      focusLater('[data-testid="reply-input"]');
      return true;
    case 'note':
      click('[data-testid="composer-tab-note"]');
      focusLater('[data-testid="note-input"]');
      return true;
    case 'resolve':
      click('[data-testid="status-button"]');
      return true;
    case 'assign':
      click('[data-testid="assign-button"]');
      return true;
    case 'snooze':
      click('[data-testid="snooze-button"]');
      return true;
    case 'find':
      click('[data-testid="conversation-search-open"]');
      return true;
    case 'search':
      document.querySelector<HTMLInputElement>('input[data-testid="inbox-search"]')?.focus();
      return true;
    case 'help':
      openHelp();
      return true;
  }
}

/** The inbox's keyboard shortcuts (see `shortcuts.ts`) and their help overlay on `?`. */
export function InboxShortcuts({ selectedId }: { selectedId: string | undefined }) {
  const { t } = useTranslation('inbox');
  const describe: Record<ShortcutAction, string> = {
    next: t('shortcuts.next'),
    previous: t('shortcuts.previous'),
    reply: t('shortcuts.reply'),
    note: t('shortcuts.note'),
    resolve: t('shortcuts.resolve'),
    assign: t('shortcuts.assign'),
    snooze: t('shortcuts.snooze'),
    find: t('shortcuts.find'),
    search: t('shortcuts.search'),
    help: t('shortcuts.help'),
  };
  const [help, setHelp] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (event.key === LEAVE_FIELD_KEY && target?.closest('form')) {
        if (target.tagName === 'TEXTAREA') target.blur();
        return;
      }
      const action = shortcutFor(event, event.target as HTMLElement | null);
      if (!action) return;
      if (document.querySelector('[role="dialog"], [role="menu"]') && action !== 'help') return;
      if (run(action, selectedId, () => setHelp(true))) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectedId]);

  return (
    <Modal
      opened={help}
      onClose={() => setHelp(false)}
      title={t('shortcuts.title')}
      data-testid="shortcuts-help"
    >
      <Table>
        <Table.Tbody>
          {SHORTCUTS.map((s) => (
            <Table.Tr key={s.key}>
              <Table.Td w={60}>
                <Kbd>{s.key}</Kbd>
              </Table.Td>
              <Table.Td>{describe[s.action]}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
