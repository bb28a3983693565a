import type { SandboxContext } from '../core/context.ts';
import { DAY_MS } from '../world/world.ts';
import { GraphError } from './errors.ts';
import { isObj } from './validate-send.ts';

/** One media object a send refers to: where it sits, what kind it must be, and its id or link. */
export type MediaRef = { path: string; kind: string; id?: string; link?: string };

/** MIME types Meta accepts per kind (cloud-api.md §3.5). */
const KIND_TYPES: Record<string, string[]> = {
  image: ['image/jpeg', 'image/png'],
  video: ['video/mp4', 'video/3gpp'],
  audio: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
  sticker: ['image/webp'],
  document: [
    'text/plain',
    'application/pdf',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.ms-powerpoint',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
};

const UPLOAD_LIFETIME_MS = 30 * DAY_MS;

function refOf(path: string, kind: string, m: unknown): MediaRef | null {
  if (!isObj(m)) return null;
  if (typeof m.id === 'string' && m.id) return { path: `${path}['id']`, kind, id: m.id };
  if (typeof m.link === 'string' && m.link) return { path: `${path}['link']`, kind, link: m.link };
  return null;
}

/** Every media reference of a send: the message's own media, an interactive header, template media parameters. */
export function mediaRefs(type: string, content: unknown): MediaRef[] {
  const refs: (MediaRef | null)[] = [];
  if (type in KIND_TYPES) refs.push(refOf(type, type, content));
  if (type === 'interactive' && isObj(content) && isObj(content.header)) {
    const h = content.header;
    if (typeof h.type === 'string' && h.type in KIND_TYPES)
      refs.push(refOf(`interactive['header']['${h.type}']`, h.type, h[h.type]));
  }
  if (type === 'template' && isObj(content) && Array.isArray(content.components)) {
    content.components.forEach((c, i) => {
      if (!isObj(c) || !Array.isArray(c.parameters)) return;
      c.parameters.forEach((p, k) => {
        if (!isObj(p) || typeof p.type !== 'string' || !(p.type in KIND_TYPES)) return;
        refs.push(refOf(`template['components'][${i}]['parameters'][${k}]['${p.type}']`, p.type, p[p.type]));
      });
    });
  }
  return refs.filter((r): r is MediaRef => r !== null);
}

function mimeAccepted(kind: string, mime: string): boolean {
  const base = mime.split(';')[0]!.trim().toLowerCase();
  return KIND_TYPES[kind]?.includes(base) ?? false;
}

function wrongType(kind: string, mime: string): string {
  const allowed = KIND_TYPES[kind] ?? [];
  const label = kind.charAt(0).toUpperCase() + kind.slice(1);
  return `Unsupported ${label} mime type ${mime}. Please use one of ${allowed.join(', ')}.`;
}

/**
 * Checks media ids at send time: an id that was never uploaded, was deleted or is older than the
 * 30 days uploads live is refused synchronously with 131009, as a parameter value that is not valid.
 * Returns the 131053 details for an id of the wrong kind (audio sent as image), which Meta reports
 * after accepting the send, as a `failed` status; null when every id is usable.
 */
export function checkMediaIds(ctx: SandboxContext, refs: MediaRef[]): string | null {
  let late: string | null = null;
  for (const ref of refs) {
    if (ref.id === undefined) continue;
    const media = ctx.world.media[ref.id];
    const expired = media && ctx.scheduler.now() - media.createdAt > UPLOAD_LIFETIME_MS;
    if (!media || media.deleted || expired) {
      throw new GraphError(131009, {
        details: `Param ${ref.path} is not a valid media id: ${ref.id} was never uploaded, was deleted or has expired.`,
      });
    }
    // Any uploaded file can go out as a document; the other kinds need their own formats.
    const fits = ref.kind === 'document' || mimeAccepted(ref.kind, media.mimeType);
    if (!late && !fits) late = wrongType(ref.kind, media.mimeType);
  }
  return late;
}

/**
 * Fetches every `link` as Meta's media fetcher does after accepting the send. Returns the 131053
 * details of the first link that cannot be fetched (network error, non-2xx) or whose content type
 * does not fit the kind; null when all are fine.
 */
export async function fetchMediaLinks(refs: MediaRef[], timeoutMs = 10_000): Promise<string | null> {
  for (const ref of refs) {
    if (ref.link === undefined) continue;
    let res: Response;
    try {
      res = await fetch(ref.link, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return `Downloading media from weblink failed: ${reason}`;
    }
    await res.body?.cancel().catch(() => {});
    if (!res.ok) {
      return `Downloading media from weblink failed with http code ${res.status}, status message ${res.statusText || 'Error'}`;
    }
    const mime = res.headers.get('content-type') ?? 'application/octet-stream';
    if (!mimeAccepted(ref.kind, mime)) return wrongType(ref.kind, mime);
  }
  return null;
}
