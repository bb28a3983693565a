/** The word being typed at the caret when it starts with `trigger` (`/` canned replies, `@` mentions). */
export function triggerToken(
  text: string,
  caret: number,
  trigger: '/' | '@',
): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const start = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\n')) + 1;
  const word = before.slice(start);
  if (!word.startsWith(trigger)) return null;
  const query = word.slice(1);
  if (/\s/.test(query)) return null;
  return { start, query };
}

/** `text` with the token at `start..caret` replaced by `insert`; the caret after it. */
export function replaceToken(
  text: string,
  input: { start: number; caret: number; insert: string },
): { text: string; caret: number } {
  const next = text.slice(0, input.start) + input.insert + text.slice(input.caret);
  return { text: next, caret: input.start + input.insert.length };
}

/** The mentioned colleagues still named in the text (a deleted `@Name` is no mention). */
export function mentionsIn(text: string, picked: readonly { id: string; name: string }[]): string[] {
  return [...new Set(picked.filter((p) => text.includes(`@${p.name}`)).map((p) => p.id))];
}
