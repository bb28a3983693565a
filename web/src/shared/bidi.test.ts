import { describe, expect, it } from 'vitest';
import type { Contact } from '../api/types.ts';
import { contactName } from '../modules/inbox/contact-name.ts';
import { withoutBidiControls } from './bidi.ts';

const contact = (fields: Partial<Contact>): Contact =>
  ({
    display_name: null,
    address_book_name: null,
    profile_name: null,
    username: null,
    wa_id: null,
    bsuid: null,
    ...fields,
  }) as Contact;

describe('bidirectional controls in customer-supplied names', () => {
  it('removes every override and isolate control, and nothing else', () => {
    const controls = [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ];
    for (const c of controls) expect(withoutBidiControls(`a${c}b`)).toBe('ab');
    // The classic spoof: "‮gpj.exe" reads as "exe.jpg".
    expect(withoutBidiControls('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
    // Right-to-left scripts themselves are untouched.
    expect(withoutBidiControls('مرحبا Ana שלום')).toBe('مرحبا Ana שלום');
  });

  it('the shared display helper shows names without them, falling back when nothing is left', () => {
    expect(contactName(contact({ profile_name: '\u202EnaA\u202C' }))).toBe('naA');
    expect(contactName(contact({ display_name: '\u2067\u2069', profile_name: 'Ana' }))).toBe('Ana');
    expect(contactName(contact({ profile_name: '\u202E', bsuid: 'US.123' }))).toBe('US.123');
    expect(contactName(contact({}))).toBe('Unknown contact');
  });
});
