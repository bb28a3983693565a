import { describe, expect, it } from 'vitest';
import { mentionsIn, replaceToken, triggerToken } from './composer/suggestions.ts';
import { utcToZonedLocal, zonedLocalToUtc } from './conversation/zoned-time.ts';
import { notifyReasonOf } from './notify.ts';

describe('the composer’s / and @ suggestions', () => {
  it('finds the word being typed when it starts with the trigger', () => {
    expect(triggerToken('/ship', 5, '/')).toEqual({ start: 0, query: 'ship' });
    expect(triggerToken('Hi @ma', 6, '@')).toEqual({ start: 3, query: 'ma' });
    expect(triggerToken('Hi @maria ok', 12, '@')).toBeNull();
    expect(triggerToken('see a/b', 7, '/')).toBeNull();
    expect(triggerToken('line one\n/ret', 13, '/')).toEqual({ start: 9, query: 'ret' });
  });

  it('replaces the token and keeps the mentions still named in the text', () => {
    expect(replaceToken('Hi @ma thanks', { start: 3, caret: 6, insert: '@Maria Lopez ' })).toEqual({
      text: 'Hi @Maria Lopez  thanks',
      caret: 16,
    });
    const picked = [
      { id: 'u1', name: 'Maria Lopez' },
      { id: 'u2', name: 'Sofia Chen' },
    ];
    expect(mentionsIn('@Maria Lopez please call', picked)).toEqual(['u1']);
  });
});

describe('a custom snooze on the number’s clock', () => {
  it('reads a datetime-local value in the number’s time zone', () => {
    expect(new Date(zonedLocalToUtc('2026-03-30T09:00', 'Europe/Madrid')!).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    expect(utcToZonedLocal(Date.UTC(2026, 2, 30, 7, 0), 'Europe/Madrid')).toBe('2026-03-30T09:00');
    expect(zonedLocalToUtc('tomorrow', 'UTC')).toBeNull();
  });
});

describe('what the stream notifies about', () => {
  it('a customer message, and a mention only of me', () => {
    expect(notifyReasonOf({ fact: 'message.received', payload: { conversation_id: 'c1' } }, 'me')).toEqual({
      kind: 'message',
      conversationId: 'c1',
    });
    const mention = {
      fact: 'conversation.mentioned',
      payload: { conversation_id: 'c1', note_id: 'n1', user_id: 'me' },
    };
    expect(notifyReasonOf(mention, 'me')).toEqual({ kind: 'mention', conversationId: 'c1', noteId: 'n1' });
    expect(notifyReasonOf(mention, 'someone-else')).toBeNull();
    expect(notifyReasonOf({ fact: 'message.echoed', payload: { conversation_id: 'c1' } }, 'me')).toBeNull();
    expect(notifyReasonOf('garbage', 'me')).toBeNull();
  });
});
