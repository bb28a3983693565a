import type { SearchSegment } from '../../api/types.ts';

/** A search result's text with the words the query found marked (`<mark>`), never as HTML. */
export function Highlighted({ segments }: { segments: readonly SearchSegment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are a fixed sequence of one text.
          <mark key={i} style={{ background: 'var(--mantine-color-yellow-2)', color: 'inherit', padding: 0 }}>
            {s.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are a fixed sequence of one text.
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
