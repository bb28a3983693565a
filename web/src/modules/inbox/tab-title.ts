/** The browser tab's title with the number of my conversations waiting to be read: "(3) Coexist". */
export function unreadTitle(base: string, unreadConversations: number): string {
  return unreadConversations > 0
    ? `(${unreadConversations > 99 ? '99+' : unreadConversations}) ${base}`
    : base;
}
