import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of teams. */

export const ZTeam = z
  .object({
    id: z.string(),
    name: z.string(),
    waba_id: z.string().nullable(),
    member_ids: z.array(z.string()),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'Team' });

export const ZListTeamsResponse = ZPage(ZTeam);

export const ZCreateTeamRequest = z.object({
  name: z.string().trim().min(1).max(200),
  waba_id: z.string().min(1).nullable().optional(),
  member_ids: z.array(z.string().min(1)).max(500).optional(),
});

export const ZRenameTeamRequest = z.object({ name: z.string().trim().min(1).max(200) });
export const ZAddTeamMemberRequest = z.object({ user_id: z.string().min(1) });
export const ZTeamMemberParams = z.object({ id: z.string().min(1), userId: z.string().min(1) });

export type Team = z.infer<typeof ZTeam>;
