import type { TemplateState, WorldState } from '../world/types.ts';
import { findTemplate } from '../world/world.ts';
import { GraphError } from './errors.ts';
import { isObj } from './validate-send.ts';

type Obj = Record<string, unknown>;

/** Placeholders of a template text: `{{1}}`, `{{2}}` or `{{first_name}}`. */
export function placeholders(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return [...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]!);
}

function sendComponent(components: unknown[], type: string, index?: number): Obj | undefined {
  return components.find(
    (c): c is Obj =>
      isObj(c) &&
      String(c.type).toLowerCase() === type &&
      (index === undefined || String(c.index ?? '0') === String(index)),
  );
}

/**
 * Checks a template send against the stored template as Meta does: 132001 (unknown or not
 * approved), 132015 (paused), 132016 (disabled), 132000 (parameter count or names), 132012 (format).
 * Returns the template and the rendered body text.
 */
export function checkTemplateSend(
  world: WorldState,
  wabaId: string,
  template: Obj,
): { template: TemplateState; rendered: string } {
  const name = String(template.name);
  const code = String((template.language as Obj).code);
  const t = findTemplate(world, { wabaId, name, language: code });
  if (!t) {
    throw new GraphError(132001, {
      details: `template name (${name}) does not exist in ${code}`,
    });
  }
  if (t.status === 'PAUSED') throw new GraphError(132015);
  if (t.status === 'DISABLED') throw new GraphError(132016);
  if (t.status !== 'APPROVED') {
    throw new GraphError(132001, {
      details: `template name (${name}) is not approved in ${code} (status ${t.status})`,
    });
  }
  const components = Array.isArray(template.components) ? template.components : [];
  let rendered = '';
  for (const tc of t.components) {
    const kind = String(tc.type).toLowerCase();
    if (kind === 'header' || kind === 'body') {
      const sent = sendComponent(components, kind);
      const params = Array.isArray(sent?.parameters) ? (sent.parameters as unknown[]) : [];
      const format = String(tc.format ?? 'TEXT').toUpperCase();
      if (kind === 'header' && format !== 'TEXT') {
        const want = format.toLowerCase();
        if (params.length > 1) throw new GraphError(132000, { details: 'header: expected 1 parameter' });
        const p = params[0];
        // A media header's file is chosen at send time: Meta refuses a send without it.
        if (p === undefined)
          throw new GraphError(132000, { details: `header: expected 1 ${want} parameter` });
        if (!isObj(p) || p.type !== want) {
          throw new GraphError(132012, { details: `header: expected a parameter of type ${want}` });
        }
        continue;
      }
      const names = placeholders(tc.text);
      const values = checkParams({ kind, names, params, format: t.parameterFormat });
      if (kind === 'body') rendered = render(String(tc.text ?? ''), values);
    } else if (kind === 'buttons' && Array.isArray(tc.buttons)) {
      tc.buttons.forEach((b, index) => {
        if (!isObj(b)) return;
        const dynamic = String(b.type).toUpperCase() === 'URL' && placeholders(b.url).length > 0;
        const sent = sendComponent(components, 'button', index);
        if (String(b.type).toUpperCase() === 'OTP') checkOtpButton(sent, index);
        if (String(b.type).toUpperCase() === 'COPY_CODE') {
          const params = Array.isArray(sent?.parameters) ? (sent.parameters as unknown[]) : [];
          const p = params[0];
          if (
            params.length !== 1 ||
            !isObj(p) ||
            p.type !== 'coupon_code' ||
            typeof p.coupon_code !== 'string'
          )
            throw new GraphError(132000, {
              details: `button at index ${index}: a copy code button expects 1 coupon_code parameter`,
            });
          if (p.coupon_code.length > 15)
            throw new GraphError(100, {
              details: `button at index ${index}: a coupon code is at most 15 characters`,
            });
        }
        if (dynamic) {
          const params = Array.isArray(sent?.parameters) ? sent.parameters : [];
          if (params.length !== 1) {
            throw new GraphError(132000, {
              details: `button at index ${index}: expected 1 parameter, received ${params.length}`,
            });
          }
        }
      });
    }
  }
  if (!rendered) {
    const body = t.components.find((c) => String(c.type).toUpperCase() === 'BODY');
    rendered = String(body?.text ?? t.name);
  }
  return { template: t, rendered };
}

/**
 * An authentication template's OTP button (copy code, one-tap, zero-tap) takes the code once more,
 * as a URL button's parameter: `{ type: "button", sub_type: "url", index: "0", parameters: [{ type:
 * "text", text: "<code>" }] }`. Codes are at most 15 characters.
 */
function checkOtpButton(sent: Obj | undefined, index: number): void {
  const params = Array.isArray(sent?.parameters) ? (sent.parameters as unknown[]) : [];
  const p = params[0];
  if (
    !sent ||
    String(sent.sub_type ?? '').toLowerCase() !== 'url' ||
    params.length !== 1 ||
    !isObj(p) ||
    p.type !== 'text' ||
    typeof p.text !== 'string' ||
    p.text === ''
  )
    throw new GraphError(132000, {
      details: `button at index ${index}: an authentication template's OTP button expects 1 text parameter (the code) with sub_type url`,
    });
  if (p.text.length > 15)
    throw new GraphError(100, {
      message: 'Invalid parameter',
      details: `button at index ${index}: a verification code is at most 15 characters`,
    });
}

function checkParams(o: {
  kind: string;
  names: string[];
  params: unknown[];
  format: 'named' | 'positional';
}): Map<string, string> {
  const values = new Map<string, string>();
  if (o.params.length !== o.names.length) {
    throw new GraphError(132000, {
      details: `${o.kind}: number of localizable_params (${o.params.length}) does not match the expected number of params (${o.names.length})`,
    });
  }
  o.params.forEach((p, i) => {
    if (!isObj(p) || typeof p.type !== 'string') {
      throw new GraphError(132012, { details: `${o.kind}: parameter ${i} has no type` });
    }
    if (p.type === 'text' && (typeof p.text !== 'string' || p.text === '')) {
      // Meta's wording for a text parameter without its text: code 100, not a format error.
      throw new GraphError(100, {
        message: 'Invalid parameter',
        details: "Parameter 'text' is mandatory for component parameter type 'text'",
      });
    }
    const value = paramText(p);
    if (value === null)
      throw new GraphError(132012, { details: `${o.kind}: parameter ${i} is not formatted as its type` });
    if (o.format === 'named') {
      const name = p.parameter_name;
      if (typeof name !== 'string' || !o.names.includes(name)) {
        throw new GraphError(132000, {
          details: `${o.kind}: parameter_name ${String(name)} is not one of ${o.names.join(', ')}`,
        });
      }
      values.set(name, value);
    } else {
      values.set(o.names[i]!, value);
    }
  });
  return values;
}

function paramText(p: Obj): string | null {
  switch (p.type) {
    case 'text':
      return typeof p.text === 'string' && p.text.length > 0 ? p.text : null;
    case 'currency':
      return isObj(p.currency) && typeof p.currency.fallback_value === 'string'
        ? p.currency.fallback_value
        : null;
    case 'date_time':
      return isObj(p.date_time) && typeof p.date_time.fallback_value === 'string'
        ? p.date_time.fallback_value
        : null;
    default:
      return null;
  }
}

function render(text: string, values: Map<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => values.get(key) ?? `{{${key}}}`);
}
