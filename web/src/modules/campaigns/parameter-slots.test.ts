import { describe, expect, it } from 'vitest';
import { defaultValues, parametersOf, slotsOf } from './parameter-slots.ts';

const SHOE_DROP = {
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::x'] } },
    { type: 'BODY', text: 'Hola {{first_name}}, tu pedido {{order_id}} está listo.' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Seguir', url: 'https://shop.test/track/{{1}}' },
        { type: 'PHONE_NUMBER', text: 'Llámanos' },
        { type: 'COPY_CODE' },
        { type: 'QUICK_REPLY', text: 'Gracias' },
      ],
    },
  ],
};

describe('campaign parameter slots', () => {
  it('reads a media header, named variables, a URL variable and a copy code, and builds the parameters', () => {
    const slots = slotsOf(SHOE_DROP);
    expect(slots.map((s) => s.key)).toEqual([
      'media',
      'body:first_name',
      'body:order_id',
      'button:0',
      'button:2',
    ]);
    const values = {
      ...defaultValues(slots),
      media: { attribute: '', fallback: 'https://cdn.shop.test/shoe.png' },
      'body:order_id': { attribute: 'order_id', fallback: 'SOL-1' },
      'button:0': { attribute: 'order_id', fallback: '' },
      'button:2': { attribute: '', fallback: 'SOL10' },
    };
    expect(parametersOf(slots, values)).toEqual({
      header: { type: 'image', link: 'https://cdn.shop.test/shoe.png' },
      body: {
        first_name: { attribute: 'first_name' },
        order_id: { attribute: 'order_id', fallback: 'SOL-1' },
      },
      buttons: { '0': { attribute: 'order_id' }, '2': { value: 'SOL10' } },
    });
  });
  it('numbered variables go as a list, the first from first_name with a fallback', () => {
    const slots = slotsOf({
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Our {{1}} is on!' },
        { type: 'BODY', text: 'Shop through {{1}} with code {{2}}.' },
      ],
    });
    const values = { ...defaultValues(slots), 'header:1': { attribute: '', fallback: 'sale' } };
    expect(parametersOf(slots, values)).toEqual({
      header: [{ value: 'sale' }],
      body: [{ attribute: 'first_name', fallback: 'friend' }, {}],
    });
  });
});
