import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import type { TemplateRow } from '../templates/template.table.ts';
import { checkTemplate, templateComponents } from './template-check.ts';

/** A stored template row as the sync or the webhook leaves it. */
function template(input: {
  parameterFormat: 'named' | 'positional' | null;
  components: unknown[];
}): TemplateRow {
  return {
    id: 't1',
    waba_id: 'waba',
    meta_template_id: '1',
    name: 'order_ready',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    reason: null,
    components_json: JSON.stringify(input.components),
    parameter_format: input.parameterFormat,
    status_changed_at: null,
    updated_at: 0,
    quality_score: null,
    created_by: null,
    created_at: null,
  };
}

const NAMED = [
  { type: 'BODY', text: 'Hi {{first_name}}, order {{order_number}} is ready.' },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'QUICK_REPLY', text: 'Thanks' },
      { type: 'URL', text: 'Track', url: 'https://shop.test/track/{{1}}' },
    ],
  },
];

const send = (input: { parameters?: Record<string, string> | string[]; components?: unknown[] }) =>
  templateComponents({
    name: 'order_ready',
    language: 'en_US',
    ...(input.parameters ? { parameters: input.parameters } : {}),
    components: (input.components ?? []) as never,
  });

const problemsOf = (fn: () => void): string[] => {
  try {
    fn();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('TEMPLATE_PARAMETERS_INVALID');
    return ((error as AppError).details as { problems: string[] }).problems;
  }
};

describe('template check: a URL button of a named-parameter template', () => {
  // Meta's URL buttons always take {{1}} and an unnamed text parameter, also in named templates.
  const urlButton = (parameter: Record<string, unknown>) => ({
    type: 'button',
    sub_type: 'url',
    index: '1',
    parameters: [{ type: 'text', ...parameter }],
  });
  const named = { first_name: 'Ana', order_number: 'A-17' };

  for (const parameterFormat of ['named', null] as const) {
    it(`accepts the button's unnamed parameter beside named body parameters (format ${parameterFormat ?? 'not stored'})`, () => {
      const row = template({ parameterFormat, components: NAMED });
      const components = send({ parameters: named, components: [urlButton({ text: 'A-17' })] });
      expect(
        problemsOf(() => checkTemplate(row, { name: row.name, language: row.language, components })),
      ).toEqual([]);
    });
  }

  it('still refuses a missing button parameter, a second one, and a missing named body parameter', () => {
    const row = template({ parameterFormat: 'named', components: NAMED });
    const check = (components: ReturnType<typeof send>) => () =>
      checkTemplate(row, { name: row.name, language: row.language, components });
    expect(problemsOf(check(send({ parameters: named })))).toEqual([
      'button:1 expects 1 parameter(s), got 0',
    ]);
    expect(
      problemsOf(
        check(
          send({
            parameters: named,
            components: [
              {
                ...urlButton({ text: 'A' }),
                parameters: [
                  { type: 'text', text: 'A' },
                  { type: 'text', text: 'B' },
                ],
              },
            ],
          }),
        ),
      ),
    ).toEqual(['button:1 expects 1 parameter(s), got 2']);
    expect(
      problemsOf(
        check(send({ parameters: { first_name: 'Ana' }, components: [urlButton({ text: 'A-17' })] })),
      ),
    ).toEqual(['body is missing parameter(s): order_number']);
  });

  it('a positional template with a URL button is checked as before', () => {
    const row = template({
      parameterFormat: 'positional',
      components: [
        { type: 'BODY', text: 'Order {{1}} is ready, {{2}}.' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Thanks' },
            { type: 'URL', text: 'Track', url: 'https://shop.test/t/{{1}}' },
          ],
        },
      ],
    });
    const check = (components: ReturnType<typeof send>) => () =>
      checkTemplate(row, { name: row.name, language: row.language, components });
    expect(
      problemsOf(check(send({ parameters: ['A-17', 'Ana'], components: [urlButton({ text: 'A-17' })] }))),
    ).toEqual([]);
    expect(
      problemsOf(check(send({ parameters: ['A-17'], components: [urlButton({ text: 'A-17' })] }))),
    ).toEqual(['body expects 2 parameter(s), got 1']);
  });
});
