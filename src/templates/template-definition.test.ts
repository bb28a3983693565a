import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import { toMetaComponents } from './template-definition.ts';
import type { TemplateDefinition } from './templates.schemas.ts';

const problemsOf = (def: TemplateDefinition): string[] => {
  try {
    toMetaComponents(def);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return ((error as AppError).details as { problems: string[] }).problems;
  }
};

const named = (url: string, example?: string): TemplateDefinition => ({
  category: 'UTILITY',
  parameter_format: 'named',
  body: { text: 'Hi {{first_name}}, your order is ready.', examples: { first_name: 'Ana' } },
  buttons: [{ type: 'URL', text: 'Track', url, ...(example ? { example } : {}) }],
});

describe('template definition: URL buttons of named-parameter templates', () => {
  it('takes {{1}} at the end of the URL, with its example, beside named body variables', () => {
    expect(problemsOf(named('https://shop.test/track/{{1}}', 'A-17'))).toEqual([]);
    const buttons = toMetaComponents(named('https://shop.test/track/{{1}}', 'A-17')).find(
      (c) => c.type === 'BUTTONS',
    );
    expect(buttons).toEqual({
      type: 'BUTTONS',
      buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.test/track/{{1}}', example: ['A-17'] }],
    });
  });
  it('refuses a named URL variable, a variable not at the end, and a missing example', () => {
    expect(problemsOf(named('https://shop.test/track/{{order}}', 'A-17'))).toEqual([
      "button 1: a URL's variable is {{1}}, also in named-parameter templates",
    ]);
    expect(problemsOf(named('https://shop.test/{{1}}/track', 'A-17'))).toEqual([
      'button 1: a URL may have one variable, at its end',
    ]);
    expect(problemsOf(named('https://shop.test/track/{{1}}'))).toEqual([
      'button 1: give an example for the URL variable',
    ]);
  });
});
