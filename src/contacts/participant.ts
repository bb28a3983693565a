/**
 * A WhatsApp user as an inbound update names them, in the hub's own terms. Any field may be
 * missing: Meta identifies a user by phone number (`waId`), by business-scoped user id (`bsuid`,
 * with the `parentBsuid` of a linked portfolio), or both; `username` and `profileName` come from
 * the user's profile when Meta includes it.
 */
export type Participant = {
  readonly waId: string | null;
  readonly bsuid: string | null;
  readonly parentBsuid: string | null;
  readonly username: string | null;
  readonly profileName: string | null;
};
