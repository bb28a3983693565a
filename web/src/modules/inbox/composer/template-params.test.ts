import { describe, expect, it } from 'vitest';
import type { Template } from '../../../api/types.ts';
import {
  placeholderLabel,
  placeholdersOf,
  renderTemplate,
  templateMessage,
  valuesFromComponents,
} from './template-params.ts';

/** The sandbox's marketing template: header and body variables, a quick reply and a URL button with a variable ending. */
const seasonal: Template = {
  id: 't1',
  waba_id: 'w1',
  meta_template_id: null,
  name: 'seasonal_promo',
  language: 'en_US',
  category: 'MARKETING',
  status: 'APPROVED',
  reason: null,
  parameter_format: null,
  quality_score: null,
  created_by: null,
  status_changed_at: null,
  updated_at: null,
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Our {{1}} is on!' },
    { type: 'BODY', text: 'Shop now through {{1}} and use code {{2}} to get {{3}} off.' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Unsubscribe' },
        { type: 'URL', text: 'Shop', url: 'https://example.com/shop/{{1}}' },
      ],
    },
  ],
};

const values = {
  'header.1': 'Summer sale',
  'body.1': 'August',
  'body.2': 'SUN25',
  'body.3': '25%',
  'button.1': 'summer',
};

describe('template fields', () => {
  it("asks for every variable, including a URL button's ending, labelled for people", () => {
    const fields = placeholdersOf(seasonal);
    expect(fields.map((p) => `${p.component}.${p.key}`)).toEqual(Object.keys(values));
    expect(placeholderLabel(seasonal, { component: 'button', key: '1' })).toBe('Button "Shop" link ending');
    expect(placeholderLabel(seasonal, { component: 'body', key: '2' })).toBe('Body {{2}}');
  });

  it("builds Meta's send shape, with the button by its index among the buttons", () => {
    const message = templateMessage(seasonal, values);
    expect(message).toEqual({
      type: 'template',
      template: {
        name: 'seasonal_promo',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'Summer sale' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'August' },
              { type: 'text', text: 'SUN25' },
              { type: 'text', text: '25%' },
            ],
          },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'summer' }] },
        ],
      },
    });
  });

  it('previews the filled template and reads the values back from a sent one', () => {
    expect(renderTemplate(seasonal, values)).toBe(
      'Our Summer sale is on!\n\nShop now through August and use code SUN25 to get 25% off.\n\n[Shop] https://example.com/shop/summer',
    );
    const sent = templateMessage(seasonal, values);
    const components = sent.type === 'template' ? sent.template.components : undefined;
    expect(valuesFromComponents(components)).toEqual(values);
  });
});
