import { z } from 'zod';
import { ZGraphId } from '../graph/graph-ids.ts';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import type { ConnectionState, HistoryState } from './number.table.ts';

/** The API contract of phone numbers. */

export const ZConnectionState = z.enum([
  'connected',
  'disconnected',
  'offboarded',
  'uninstalled',
  'unknown',
] as const satisfies readonly ConnectionState[]);

export const ZHistoryState = z.enum([
  'not_requested',
  'requested',
  'in_progress',
  'complete',
  'complete_inferred',
  'declined',
] as const satisfies readonly HistoryState[]);

/** A phone number with its connection and sync health (`number.mapper.ts`). */
export const ZPhoneNumber = z
  .object({
    id: z.string(),
    waba_id: z.string(),
    display_phone_number: z.string(),
    verified_name: z.string().nullable(),
    is_coexistence: z.boolean(),
    connection: z.object({
      state: ZConnectionState,
      reason: z.string().nullable(),
      initiated_by: z.string().nullable(),
      changed_at: ZTimestamp.nullable(),
    }),
    onboarded_at: ZTimestamp.nullable(),
    history: z.object({
      state: ZHistoryState,
      progress: z.number().describe('0–100, as Meta reports it in history chunks'),
      error: z.unknown(),
      last_chunk_at: ZTimestamp.nullable(),
    }),
    contacts_sync_state: z.string(),
    last_echo_at: ZTimestamp.nullable().describe(
      'The latest echo: live proof that the owner used the Business app',
    ),
    last_app_activity_at: ZTimestamp.nullable().describe(
      "The newest proof that the owner used the Business app: the last echo, else imported history's newest business message",
    ),
    days_left_before_14_day_rule: z.number().int().nullable(),
    throughput_mps: z.number(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'PhoneNumber' });

export const ZListNumbersResponse = ZPage(ZPhoneNumber);

export type PhoneNumber = z.infer<typeof ZPhoneNumber>;

export const ZRegisterNumberRequest = z.object({
  phone_number_id: ZGraphId,
  waba_id: ZGraphId,
});

/** A number just registered from Graph. */
export const ZRegisterNumberResponse = z.object({
  id: z.string(),
  waba_id: z.string(),
  display_phone_number: z.string(),
  verified_name: z.string().nullable(),
  is_coexistence: z.boolean(),
  platform_type: z.string().nullable(),
  throughput_mps: z.number(),
  connection_state: ZConnectionState,
});

export const ZSetThroughputRequest = z.object({ throughput_mps: z.number().int().min(1).max(1000) });
export const ZSetThroughputResponse = z.object({ id: z.string(), throughput_mps: z.number() });

export const ZSyncType = z.enum(['smb_app_state_sync', 'history']);
export const ZRequestSyncRequest = z.object({ sync_type: ZSyncType });

/** The one-time coexistence sync request of a number and sync type. */
export const ZSyncRequestResponse = z.object({
  phone_number_id: z.string(),
  sync_type: ZSyncType,
  state: z.string().describe('requesting, requested or failed'),
  request_id: z.string().nullable(),
  error: z.unknown(),
  requested_at: ZTimestamp.nullable(),
});

export type RegisterNumberResponse = z.infer<typeof ZRegisterNumberResponse>;
export type SyncRequestResponse = z.infer<typeof ZSyncRequestResponse>;
