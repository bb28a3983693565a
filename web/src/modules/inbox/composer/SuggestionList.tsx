import { Paper, Text, UnstyledButton } from '@mantine/core';

export type Suggestion = { id: string; label: string; detail?: string };

type SuggestionListProps = {
  id: string;
  label: string;
  items: readonly Suggestion[];
  active: number;
  onPick: (item: Suggestion) => void;
};

/**
 * Suggestions under the caret's word (canned replies after `/`, colleagues after `@`). The text
 * field keeps the focus: ↑/↓ move, Enter or Tab picks, Escape closes (`aria-activedescendant`).
 */
export function SuggestionList({ id, label, items, active, onPick }: SuggestionListProps) {
  if (items.length === 0) return null;
  return (
    <Paper
      withBorder
      shadow="sm"
      p={4}
      mb={4}
      id={id}
      role="listbox"
      aria-label={label}
      mah={220}
      style={{ overflowY: 'auto' }}
      data-testid="suggestions"
    >
      {items.map((item, index) => (
        <UnstyledButton
          key={item.id}
          id={`${id}-${index}`}
          role="option"
          aria-selected={index === active}
          tabIndex={-1}
          onMouseDown={(event) => {
            event.preventDefault();
            onPick(item);
          }}
          w="100%"
          px="xs"
          py={4}
          style={{
            borderRadius: 4,
            background: index === active ? 'var(--mantine-primary-color-light)' : undefined,
          }}
        >
          <Text size="sm" fw={500}>
            {item.label}
          </Text>
          {item.detail && (
            <Text size="xs" c="dimmed" lineClamp={1}>
              {item.detail}
            </Text>
          )}
        </UnstyledButton>
      ))}
    </Paper>
  );
}

/**
 * The keys a suggestion list takes from its text field; returns true when the key was used.
 */
export function handleSuggestionKey(
  key: string,
  state: {
    count: number;
    active: number;
    setActive: (i: number) => void;
    pick: () => void;
    close: () => void;
  },
): boolean {
  if (state.count === 0) return false;
  if (key === 'ArrowDown') state.setActive((state.active + 1) % state.count);
  else if (key === 'ArrowUp') state.setActive((state.active - 1 + state.count) % state.count);
  else if (key === 'Enter' || key === 'Tab') state.pick();
  else if (key === 'Escape') state.close();
  else return false;
  return true;
}
