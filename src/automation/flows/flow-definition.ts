import { z } from 'zod';
import { contentInputSchema } from '../../outbound/message-content.ts';

/**
 * A flow's definition: the steps of one published version, as the editor saves them and the
 * interpreter (`interpreter.ts`) runs them. Every step has an id; `next` (and the branch targets)
 * name another step, and a step without a `next` ends the flow. `position` is only the editor's.
 *
 * Text in messages, prompts, URLs and bodies may use placeholders: `{{answer}}` (the last valid
 * answer), `{{attributes.name}}` (a contact attribute, answers saved by ask steps included),
 * `{{contact.name}}`, `{{contact.phone}}`, `{{vars.key}}` (what an HTTP step mapped).
 */

const stepId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a step id is 1 to 64 letters, digits, _ or -');
const target = stepId.nullish();
const position = z.object({ x: z.number(), y: z.number() }).optional();
const attributeName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'an attribute name is a letter then letters, digits or _');

export const validationKinds = ['text', 'number', 'email', 'phone', 'date', 'choice'] as const;
export type ValidationKind = (typeof validationKinds)[number];

const messageStep = z.object({
  id: stepId,
  type: z.literal('message'),
  /** Any message the hub can send (text, media, interactive, location, contacts, template). */
  content: contentInputSchema,
  next: target,
  position,
});

const askStep = z.object({
  id: stepId,
  type: z.literal('ask'),
  /** The question: text, or interactive buttons or a list (their titles are the choices). */
  prompt: contentInputSchema,
  /** The contact attribute the valid answer is saved to. */
  attribute: attributeName,
  validation: z.enum(validationKinds).default('text'),
  /** For `choice`: the accepted answers (compared without case or accents); default the buttons' titles. */
  choices: z.array(z.string().min(1).max(100)).max(20).optional(),
  /** Sent after an invalid answer, before asking again. */
  retry_prompt: z.string().min(1).max(1024).default("Sorry, I didn't get that. Please try again."),
  /** Invalid answers accepted before `on_invalid` (or the end). */
  max_retries: z.number().int().min(0).max(10).default(2),
  on_invalid: target,
  next: target,
  position,
});

const branchCase = z.object({
  /** equals / contains (case- and accent-insensitive), matches (a regular expression), exists, gt, lt. */
  op: z.enum(['equals', 'contains', 'matches', 'exists', 'gt', 'lt']),
  value: z.string().max(500).default(''),
  next: target,
});

const branchStep = z.object({
  id: stepId,
  type: z.literal('branch'),
  /** What is compared: the last answer, a contact attribute, or the customer's last message (keywords). */
  source: z.enum(['answer', 'attribute', 'message']),
  attribute: attributeName.optional(),
  cases: z.array(branchCase).min(1).max(20),
  default: target,
  position,
});

const faqStep = z.object({
  id: stepId,
  type: z.literal('faq'),
  /** The question to look up: the last answer, the customer's last message, or a fixed text. */
  query: z.enum(['answer', 'message', 'text']).default('message'),
  text: z.string().max(500).optional(),
  /** Sent before the entry's answer ('' = the answer alone). */
  prefix: z.string().max(200).default(''),
  found: target,
  not_found: target,
  position,
});

const httpStep = z.object({
  id: stepId,
  type: z.literal('http'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST'),
  url: z.string().min(1).max(2000),
  /** A JSON body (placeholders allowed in its strings); POST/PUT/PATCH default to the flow's context. */
  body: z.unknown().optional(),
  timeout_ms: z.number().int().min(100).max(30_000).default(5_000),
  /** attribute or `vars.name` → a dotted path in the JSON response (`order.status`, `items.0.id`). */
  map: z.record(z.string().max(100), z.string().max(200)).default({}),
  next: target,
  on_error: target,
  position,
});

const aiStep = z.object({
  id: stepId,
  type: z.literal('ai'),
  /** Added to the number's AI instructions for this step. */
  instructions: z.string().max(2000).default(''),
  next: target,
  /** Taken when AI replies are off for the number, the endpoint fails or times out. */
  on_error: target,
  position,
});

const handoffStep = z.object({
  id: stepId,
  type: z.literal('handoff'),
  team_id: z.string().max(64).nullish(),
  policy_id: z.string().max(64).nullish(),
  skills: z.array(z.string().min(1).max(64)).max(20).optional(),
  /** Sent to the customer before the handoff ('' = nothing). */
  message: z.string().max(1024).default(''),
  /** The internal note's first line; the answers collected follow it. */
  note: z.string().max(500).default('Handed off by the bot.'),
  position,
});

const endStep = z.object({ id: stepId, type: z.literal('end'), position });

export const flowStepSchema = z.discriminatedUnion('type', [
  messageStep,
  askStep,
  branchStep,
  faqStep,
  httpStep,
  aiStep,
  handoffStep,
  endStep,
]);

export type FlowStep = z.infer<typeof flowStepSchema>;
export type AskStep = z.infer<typeof askStep>;
export type HttpStep = z.infer<typeof httpStep>;
export type AiStep = z.infer<typeof aiStep>;
export type HandoffStep = z.infer<typeof handoffStep>;

export const flowDefinitionSchema = z
  .object({
    start: stepId,
    steps: z.array(flowStepSchema).min(1).max(200),
  })
  .superRefine((def, ctx) => {
    const ids = new Set<string>();
    def.steps.forEach((step, i) => {
      if (ids.has(step.id))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `two steps are ${step.id}` });
      ids.add(step.id);
    });
    if (!ids.has(def.start))
      ctx.addIssue({ code: 'custom', path: ['start'], message: `no step ${def.start}` });
    def.steps.forEach((step, i) => {
      for (const [key, ref] of targetsOf(step)) {
        if (ref && !ids.has(ref)) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, key], message: `no step ${ref}` });
        }
      }
      if (step.type === 'ask' && step.validation === 'choice' && choicesOf(step).length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'choices'],
          message: 'a choice question needs choices or buttons',
        });
      }
      if (step.type === 'branch' && step.source === 'attribute' && !step.attribute) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'attribute'],
          message: 'an attribute branch names its attribute',
        });
      }
    });
  });

export type FlowDefinition = z.infer<typeof flowDefinitionSchema>;

/** The step ids a step may go to, with the field that names each (for checks and the editor's edges). */
export function targetsOf(step: FlowStep): [string, string | null | undefined][] {
  switch (step.type) {
    case 'message':
      return [['next', step.next]];
    case 'ask':
      return [
        ['next', step.next],
        ['on_invalid', step.on_invalid],
      ];
    case 'branch':
      return [
        ...step.cases.map((c, i) => [`cases.${i}`, c.next] as [string, string | null | undefined]),
        ['default', step.default],
      ];
    case 'faq':
      return [
        ['found', step.found],
        ['not_found', step.not_found],
      ];
    case 'http':
    case 'ai':
      return [
        ['next', step.next],
        ['on_error', step.on_error],
      ];
    case 'handoff':
    case 'end':
      return [];
  }
}

/** The accepted answers of a choice question: its `choices`, else its buttons' or rows' titles. */
export function choicesOf(step: AskStep): string[] {
  if (step.choices && step.choices.length > 0) return step.choices;
  const prompt = step.prompt;
  if (prompt.type !== 'interactive') return [];
  const interactive = prompt.interactive as {
    type: string;
    action: { buttons?: { reply: { title: string } }[]; sections?: { rows: { title: string }[] }[] };
  };
  if (interactive.type === 'button') return (interactive.action.buttons ?? []).map((b) => b.reply.title);
  return (interactive.action.sections ?? []).flatMap((s) => s.rows.map((r) => r.title));
}
