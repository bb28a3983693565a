/**
 * Bidirectional-override and isolate controls (U+202A–U+202E: LRE, RLE, PDF, LRO, RLO;
 * U+2066–U+2069: LRI, RLI, FSI, PDI). In a name a customer chose they can reverse what follows
 * on screen ("‮gpj.exe" shown as "exe.jpg") or spill into the text around the name.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text a customer supplied (a profile or address-book name), safe to show: the bidi controls are
 * removed, so the name cannot reorder itself or the text beside it. Every name the inbox shows
 * goes through `contactName`, which uses this.
 */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
