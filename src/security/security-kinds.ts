// No imports: the web app bundles this list too (web/src/modules/security/SecurityLogPage.tsx).
/** What the security log records. */
export const SECURITY_EVENT_KINDS = [
  'sign_in',
  'sign_out',
  'lockout',
  'password.changed',
  'password.reset',
  'mfa.enrolled',
  'mfa.disabled',
  'mfa.reset',
  'mfa.recovery_codes',
  'reauthentication',
  'user.created',
  'user.updated',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'token.created',
  'token.revoked',
  'organisation.created',
  'organisation.switched',
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];
