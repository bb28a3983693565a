import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

type SelectableRowProps = { selected: boolean; onSelect: () => void; children: ReactNode };

/** A table row that opens its item by click, Enter or Space, and shows when it is the open one. */
export function SelectableRow({ selected, onSelect, children }: SelectableRowProps) {
  return (
    <Table.Tr
      onClick={onSelect}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onSelect();
        }
      }}
      tabIndex={0}
      style={{ cursor: 'pointer' }}
      aria-selected={selected}
      bg={selected ? 'var(--mantine-color-default-hover)' : undefined}
    >
      {children}
    </Table.Tr>
  );
}
