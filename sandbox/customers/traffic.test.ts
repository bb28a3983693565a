import { describe, expect, it } from 'vitest';
import { answerTo } from './traffic.ts';

describe('simulated customers answering a question', () => {
  it('give their name or an email made from it when asked, in English, Spanish or Portuguese', () => {
    expect(answerTo({ body: 'Happy to help! What is your name?' }, 'Traffic Customer 3')).toBe(
      'Traffic Customer 3',
    );
    expect(answerTo({ body: '¿Cuál es tu nombre?' }, 'Ana Ruiz')).toBe('Ana Ruiz');
    expect(answerTo({ body: 'Qual é o seu nome?' }, 'Ana Ruiz')).toBe('Ana Ruiz');
    expect(answerTo({ body: 'Thanks Ana! And your email?' }, 'Traffic Customer 3')).toBe(
      'traffic.customer.3@example.com',
    );
    expect(answerTo({ body: '¿Y tu correo?' }, 'Ana Ruiz')).toBe('ana.ruiz@example.com');
  });

  it('answer nothing in particular to anything else', () => {
    expect(answerTo({ body: 'We open at 9.' }, 'Ana')).toBeNull();
    expect(answerTo({ body: 'That does not look like an email address.' }, 'Ana')).toBeNull();
    expect(answerTo({ body: 'Can I rename the order?' }, 'Ana')).toBeNull();
    expect(answerTo(null, 'Ana')).toBeNull();
  });
});
