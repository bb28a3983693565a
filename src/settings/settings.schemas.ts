import { z } from 'zod';

/** The API contract of the hub's own settings. */

export const ZSettings = z.object({ require_mfa_for_all: z.boolean() }).meta({ id: 'Settings' });
export const ZUpdateSettingsRequest = z.object({ require_mfa_for_all: z.boolean().optional() });

export type HubSettings = z.infer<typeof ZSettings>;
