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

describe('template definition: media headers and button order', () => {
  const base: TemplateDefinition = {
    category: 'MARKETING',
    parameter_format: 'named',
    body: { text: 'Hi {{first_name}}, new shoes are in.', examples: { first_name: 'Ana' } },
  };
  it('needs the uploaded sample of a media header and passes its handle to Meta', () => {
    expect(problemsOf({ ...base, header: { format: 'IMAGE' } })).toEqual([
      'header: upload a sample image for the media header',
    ]);
    const components = toMetaComponents({ ...base, header: { format: 'VIDEO', example_handle: '4::abc' } });
    expect(components[0]).toEqual({
      type: 'HEADER',
      format: 'VIDEO',
      example: { header_handle: ['4::abc'] },
    });
  });
  it('keeps quick replies together, before or after the call-to-action buttons', () => {
    const qr = { type: 'QUICK_REPLY' as const, text: 'Stop' };
    const call = { type: 'PHONE_NUMBER' as const, text: 'Call', phone_number: '+15551234567' };
    expect(problemsOf({ ...base, buttons: [qr, qr, call] })).toEqual([]);
    expect(problemsOf({ ...base, buttons: [call, qr, qr] })).toEqual([]);
    expect(problemsOf({ ...base, buttons: [qr, call, qr] })).toEqual([
      'buttons: keep the quick replies together, before or after the others',
    ]);
  });
});
