/** A background loop of one node (webhook processing, sending, jobs): named, and stopped on shutdown. */
export type Worker = { readonly name: string; stop(): Promise<void> };
