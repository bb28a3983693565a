import { z } from 'zod';
import { ZPage, ZTimestamp } from '../../platform/http/api-schemas.ts';
import { flowDefinitionSchema } from './flow-definition.ts';

/** The API contract of flows, the knowledge base, AI settings and the test panel's dry run. */

export const ZFlowDefinition = flowDefinitionSchema.meta({ id: 'FlowDefinition' });

export const ZFlow = z
  .object({
    id: z.string(),
    phone_number_id: z.string().nullable(),
    name: z.string(),
    description: z.string(),
    version: z.number().int(),
    enabled: z.boolean(),
    is_welcome: z.boolean(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
    definition: z
      .unknown()
      .optional()
      .describe('The current version (FlowDefinition); in GET /api/flows/:id.'),
  })
  .meta({ id: 'Flow' });

export const ZListFlowsResponse = ZPage(ZFlow);

export const ZCreateFlowRequest = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  phone_number_id: z.string().min(1).nullable().optional(),
  enabled: z.boolean().optional(),
  is_welcome: z.boolean().optional(),
  definition: z.unknown().describe('A FlowDefinition: {start, steps}.'),
});

export const ZUpdateFlowRequest = ZCreateFlowRequest.partial();

export const ZFlowVersion = z.object({
  version: z.number().int(),
  created_by: z.string().nullable(),
  created_at: ZTimestamp,
});
export const ZFlowVersionsResponse = z.object({ data: z.array(ZFlowVersion) });
export const ZFlowVersionParams = z.object({
  id: z.string().min(1),
  version: z.coerce.number().int().min(1),
});
export const ZFlowVersionResponse = z.object({ version: z.number().int(), definition: z.unknown() });
export const ZSigningSecretResponse = z.object({
  secret: z
    .string()
    .describe('The whsec_ secret the flow signs HTTP step requests with (Standard Webhooks 1.0).'),
});

export const ZFlowRun = z
  .object({
    id: z.string(),
    flow_id: z.string(),
    flow_name: z.string(),
    version: z.number().int(),
    status: z.enum(['active', 'completed', 'handed_off', 'cancelled']),
    step_id: z.string().nullable(),
    step_type: z.string().nullable(),
    waiting: z.string().nullable(),
    answers: z.record(z.string(), z.string()),
    started_at: ZTimestamp,
    ended_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'FlowRun' });
export const ZConversationFlowResponse = z.object({ run: ZFlowRun.nullable() });

const ZPosition = z.object({
  stepId: z.string().nullable(),
  waiting: z.enum(['answer', 'call']).nullable(),
  retries: z.number().int().min(0),
  status: z.enum(['active', 'completed', 'handed_off', 'cancelled']),
  state: z.object({
    answers: z.record(z.string(), z.string()),
    answer: z.string().nullable(),
    message: z.string().nullable(),
    vars: z.record(z.string(), z.unknown()),
  }),
});

export const ZDryRunRequest = z.object({
  definition: z.unknown().describe('The FlowDefinition to try (saved or not).'),
  phone_number_id: z
    .string()
    .min(1)
    .nullable()
    .optional()
    .describe('Whose knowledge base and AI settings to use.'),
  position: ZPosition.nullable()
    .optional()
    .describe('Where the test conversation stands (from the last answer); null = start.'),
  input: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('start') }),
    z.object({
      kind: z.literal('message'),
      text: z.string().max(4096),
      reply_id: z.string().max(256).nullable().optional(),
    }),
  ]),
  contact: z
    .object({
      name: z.string().max(200).nullable().optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

export const ZDryRunResponse = z.object({
  effects: z.array(
    z.object({
      kind: z.enum(['send', 'set_attributes', 'handoff', 'call', 'log']),
      step_id: z.string(),
      content: z.unknown().optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
      note: z.string().optional(),
      text: z.string().optional(),
    }),
  ),
  position: ZPosition,
});

export const ZKbEntry = z
  .object({
    id: z.string(),
    phone_number_id: z.string().nullable(),
    question: z.string(),
    answer: z.string(),
    keywords: z.string(),
    language: z.string().nullable(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'KnowledgeEntry' });
export const ZListKbResponse = ZPage(ZKbEntry);
export const ZKbQuery = z.object({ phone_number_id: z.string().min(1).optional() });
export const ZCreateKbRequest = z.object({
  phone_number_id: z.string().min(1).nullable().optional(),
  question: z.string().trim().min(1).max(500),
  answer: z.string().trim().min(1).max(4096),
  keywords: z.string().max(500).optional(),
  language: z.string().min(2).max(10).nullable().optional(),
});
export const ZUpdateKbRequest = ZCreateKbRequest.partial();
export const ZKbSearchQuery = z.object({
  q: z.string().min(1).max(500),
  phone_number_id: z.string().min(1),
  language: z.string().max(10).optional(),
});
export const ZKbSearchResponse = z.object({ entry: ZKbEntry.nullable() });

export const ZAiSettings = z
  .object({
    phone_number_id: z.string(),
    enabled: z.boolean(),
    base_url: z.string(),
    model: z.string(),
    has_api_key: z.boolean().describe('The key itself is never returned; it is stored encrypted.'),
    instructions: z.string(),
    updated_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'AiSettings' });
export const ZAiSettingsParams = z.object({ numberId: z.string().min(1) });
export const ZUpdateAiSettingsRequest = z.object({
  enabled: z.boolean().optional(),
  base_url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  model: z.string().min(1).max(200).optional(),
  api_key: z.string().min(1).max(500).nullable().optional().describe('null removes the key.'),
  instructions: z.string().max(4000).optional(),
});
