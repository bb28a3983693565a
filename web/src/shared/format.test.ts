import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.ts';
import { formatClock, formatDateTime, formatListTime, formatNumber } from './format.ts';

const AT = Date.UTC(2026, 11, 1, 20, 47); // 1 Dec 2026, 20:47 UTC

describe('dates and numbers in the user’s language and the number’s time zone', () => {
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('shows a time on the business clock in the business zone', async () => {
    await i18n.changeLanguage('es');
    expect(formatClock(AT, { timeZone: 'Asia/Kolkata' })).toBe('02:17');
    expect(formatClock(AT, { timeZone: 'America/Mexico_City' })).toBe('14:47');
    // An unknown zone falls back to the browser's rather than throwing.
    expect(formatClock(AT, { timeZone: 'Mars/Olympus' })).toMatch(/^\d{2}:\d{2}$/);
  });

  it('formats dates and numbers as Spain and Brazil write them', async () => {
    await i18n.changeLanguage('es');
    expect(formatNumber(12345.5)).toBe('12.345,5');
    expect(formatDateTime(AT, { timeZone: 'Europe/Madrid' })).toMatch(/^1 dic 2026, 21:47/);
    await i18n.changeLanguage('pt-BR');
    expect(formatNumber(12345.5)).toBe('12.345,5');
    expect(formatDateTime(AT, { timeZone: 'America/Sao_Paulo' })).toMatch(/^1 de dez\. de 2026, 17:47/);
    await i18n.changeLanguage('en');
    expect(formatNumber(12345.5)).toBe('12,345.5');
  });

  it('decides "today" on the business calendar', async () => {
    await i18n.changeLanguage('es');
    // 23:30 UTC on 1 Dec is already 2 Dec in Kolkata; seen at 00:30 on 2 Dec there it is today's clock time.
    const late = Date.UTC(2026, 11, 1, 23, 30);
    expect(formatListTime(late, { timeZone: 'Asia/Kolkata', now: late + 3_600_000 })).toBe('05:00');
    expect(formatListTime(late, { timeZone: 'UTC', now: late + 3_600_000 })).not.toBe('23:30');
  });
});
