import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { ROLES } from '../auth/principal.ts';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { LANGUAGES } from '../platform/languages.ts';

/** The API contract of users and the agents directory. */

export const ZRole = z.enum(ROLES);
export const ZPresence = z.enum(['online', 'away', 'offline']);

export const ZLanguage = z.enum(LANGUAGES);

const wabaIds = z.array(z.string().min(1)).max(100).nullable();

/** A user as the API returns it; never the password hash or MFA secret. */
export const ZUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: ZRole,
    waba_ids: z.array(z.string()).nullable().describe('`null` = every business account'),
    team_ids: z.array(z.string()),
    mfa_enabled: z.boolean(),
    presence: ZPresence,
    language: ZLanguage.nullable().describe("The web app's language; `null` = never chosen (the browser's)"),
    disabled: z.boolean(),
    last_login_at: ZTimestamp.nullable(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'User' });

export const ZListUsersResponse = ZPage(ZUser);

export const ZCreateUserRequest = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  role: ZRole,
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024).optional(),
  waba_ids: wabaIds.optional(),
});

export const ZCreateUserResponse = z.object({
  user: ZUser,
  password: z.string().optional().describe('The generated password, when none was given'),
});

export const ZUpdateUserRequest = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  role: ZRole.optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024).optional(),
  waba_ids: wabaIds.optional(),
  disabled: z.boolean().optional(),
  reset_mfa: z.literal(true).optional(),
  /** Needed to change one's own `password` or `reset_mfa` one's own second factor. */
  current_password: z.string().min(1).max(1024).optional(),
  /** A current authenticator code: also needed to `reset_mfa` one's own second factor. */
  code: z.string().min(1).max(20).optional(),
});

/** An entry of the `GET /api/agents` directory every role may read. */
export const ZAgent = z
  .object({
    id: z.string(),
    name: z.string(),
    role: ZRole,
    presence: ZPresence,
    team_ids: z.array(z.string()),
  })
  .meta({ id: 'Agent' });

export const ZListAgentsResponse = ZPage(ZAgent);

export type User = z.infer<typeof ZUser>;
export type Agent = z.infer<typeof ZAgent>;
export type CreateUserRequest = z.infer<typeof ZCreateUserRequest>;
export type UpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;
