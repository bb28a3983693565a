import { describe, expect, it } from 'vitest';
import { buildKbIndex } from './kb-search.ts';

const index = buildKbIndex([
  {
    id: 'hours-es',
    question: '¿Cuál es el horario de atención?',
    keywords: 'horario abren cierran',
    answer: 'Abrimos de lunes a viernes, de 9 a 18.',
    language: 'es',
  },
  {
    id: 'hours-pt',
    question: 'Qual é o horário de funcionamento?',
    keywords: 'horário abrem fecham',
    answer: 'Abrimos de segunda a sexta, das 9 às 18.',
    language: 'pt',
  },
  {
    id: 'order-en',
    question: 'Where is my order?',
    keywords: 'order tracking shipping delivery',
    answer: 'Track it with the link in your confirmation email.',
    language: 'en',
  },
  {
    id: 'order-es',
    question: '¿Dónde está mi pedido?',
    keywords: 'pedido envío seguimiento',
    answer: 'Sigue tu pedido con el enlace del correo.',
    language: 'es',
  },
  {
    id: 'payment-pt',
    question: 'Quais formas de pagamento vocês aceitam?',
    keywords: 'pix cartão boleto',
    answer: 'Pix, cartão e boleto.',
    language: 'pt',
  },
]);

describe('knowledge base matching', () => {
  it.each([
    // Case and accents do not matter, on either side.
    ['HORARIO', 'hours-es'],
    ['horário', 'hours-es'],
    ['¿a qué hora abren?', 'hours-es'],
    ['ENVÍO', 'order-es'],
    ['envio', 'order-es'],
    // Plurals and typos.
    ['mis pedidos', 'order-es'],
    ['where is my ordr', 'order-en'],
    ['ORDER TRACKING', 'order-en'],
    // Portuguese.
    ['horario de funcionamento', 'hours-pt'],
    ['aceitam cartao?', 'payment-pt'],
    ['PAGAMENTO', 'payment-pt'],
  ])('%s → %s', (query, id) => {
    expect(index.search(query)?.id).toBe(id);
  });

  it('prefers the conversation language when entries tie', () => {
    expect(index.search('horario', 'pt')?.id).toBe('hours-pt');
    expect(index.search('horario', 'es')?.id).toBe('hours-es');
  });

  it('finds nothing for greetings and stop words alone', () => {
    expect(index.search('hola')).toBeNull();
    expect(index.search('the of de que')).toBeNull();
    expect(index.search('')).toBeNull();
  });
});
