import { AppError } from '../platform/errors.ts';
import { authenticationCreateComponents, authenticationProblems } from './authentication-template.ts';
import type { TemplateDefinition } from './templates.schemas.ts';

type Json = Record<string, unknown>;
type Examples = readonly string[] | Readonly<Record<string, string>> | undefined;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The variables of a text, in order of appearance (repeats kept once). */
export function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/**
 * Checks a text's variables against the format and its examples, as Meta's review does before a
 * template is accepted: positional variables are `{{1}}`…`{{n}}` without gaps, named ones are
 * lowercase with underscores, each has an example, and a text does not start or end with one.
 */
function checkVariables(
  where: string,
  text: string,
  format: 'positional' | 'named',
  examples: Examples,
  problems: string[],
): string[] {
  const vars = variablesOf(text);
  if (vars.length === 0) return [];
  if (format === 'positional') {
    const expected = vars.map((_, i) => String(i + 1));
    const sorted = [...vars].sort((a, b) => Number(a) - Number(b));
    if (!vars.every((v) => /^\d+$/.test(v)) || sorted.join(',') !== expected.join(',')) {
      problems.push(`${where}: positional variables must be {{1}} to {{${vars.length}}} without gaps`);
    }
    if (!Array.isArray(examples) || examples.length !== vars.length) {
      problems.push(`${where}: give ${vars.length} example value(s), one per variable`);
    }
  } else {
    const bad = vars.filter((v) => !/^[a-z][a-z0-9_]*$/.test(v));
    if (bad.length > 0)
      problems.push(`${where}: named variables are lowercase with underscores (${bad.join(', ')})`);
    const given = examples && !Array.isArray(examples) ? (examples as Record<string, string>) : {};
    const missing = vars.filter((v) => !given[v]);
    if (missing.length > 0) problems.push(`${where}: give an example for ${missing.join(', ')}`);
  }
  const trimmed = text.trim();
  if (where === 'body' && (/^\{\{[^}]+\}\}/.test(trimmed) || /\{\{[^}]+\}\}$/.test(trimmed))) {
    problems.push(`${where}: a variable may not start or end the text`);
  }
  return vars;
}

function exampleValues(vars: string[], examples: Examples): string[] {
  if (Array.isArray(examples)) return examples.map(String);
  const map = (examples ?? {}) as Record<string, string>;
  return vars.map((v) => map[v] ?? '');
}

/**
 * An authentication template in Meta's format: no header, body text, footer text or buttons of its
 * own, only the options of its preset text and its one OTP button.
 */
function authenticationComponents(def: TemplateDefinition): Json[] {
  const problems: string[] = [];
  if (!def.authentication)
    problems.push('authentication: choose the code button (copy code, one-tap or zero-tap)');
  if (def.header) problems.push('authentication templates have no header');
  if (def.body) problems.push('authentication templates have a preset body text: leave out the body');
  if (def.footer) problems.push('authentication templates have a preset footer: set the code expiry instead');
  if (def.buttons && def.buttons.length > 0)
    problems.push('authentication templates have one code button: set it in the authentication options');
  if (def.authentication) problems.push(...authenticationProblems(def.authentication));
  if (problems.length > 0 || !def.authentication)
    throw new AppError('VALIDATION_FAILED', `Template is not valid: ${problems.join('; ')}`, { problems });
  return authenticationCreateComponents(def.authentication);
}

/**
 * Turns the web app's template definition into Meta's `components` (cloud-api.md §3.6), or throws
 * VALIDATION_FAILED with every problem found.
 */
export function toMetaComponents(def: TemplateDefinition): Json[] {
  if (def.category === 'AUTHENTICATION') return authenticationComponents(def);
  const format = def.parameter_format ?? 'positional';
  const problems: string[] = [];
  const components: Json[] = [];
  if (!def.body) throw new AppError('VALIDATION_FAILED', 'Template is not valid: body: the text is required');
  if (def.header) {
    const h = def.header;
    if (h.format === 'TEXT') {
      const vars = checkVariables('header', h.text, format, h.examples, problems);
      if (vars.length > 1) problems.push('header: at most one variable');
      const header: Json = { type: 'HEADER', format: 'TEXT', text: h.text };
      if (vars.length > 0) {
        header.example =
          format === 'named'
            ? {
                header_text_named_params: vars.map((v, i) => ({
                  param_name: v,
                  example: exampleValues(vars, h.examples)[i],
                })),
              }
            : { header_text: exampleValues(vars, h.examples) };
      }
      components.push(header);
    } else if (!h.example_handle) {
      // Meta reviews a media header with its sample, uploaded first (POST /api/templates/samples).
      problems.push(`header: upload a sample ${h.format.toLowerCase()} for the media header`);
    } else {
      components.push({ type: 'HEADER', format: h.format, example: { header_handle: [h.example_handle] } });
    }
  }
  const bodyVars = checkVariables('body', def.body.text, format, def.body.examples, problems);
  const body: Json = { type: 'BODY', text: def.body.text };
  if (bodyVars.length > 0) {
    const values = exampleValues(bodyVars, def.body.examples);
    body.example =
      format === 'named'
        ? { body_text_named_params: bodyVars.map((v, i) => ({ param_name: v, example: values[i] })) }
        : { body_text: [values] };
  }
  components.push(body);
  if (def.footer) {
    if (variablesOf(def.footer.text).length > 0) problems.push('footer: no variables allowed');
    components.push({ type: 'FOOTER', text: def.footer.text });
  }
  const buttons = def.buttons ?? [];
  if (buttons.length > 0) {
    const out: Json[] = [];
    const count = (type: string) => buttons.filter((b) => b.type === type).length;
    if (count('URL') > 2) problems.push('buttons: at most 2 URL buttons');
    if (count('PHONE_NUMBER') > 1) problems.push('buttons: at most 1 phone number button');
    if (count('COPY_CODE') > 1) problems.push('buttons: at most 1 copy code button');
    // Meta groups quick replies together: all of them before, or all after, the other buttons.
    const kinds = buttons.map((b) => (b.type === 'QUICK_REPLY' ? 'q' : 'c')).join('');
    if (/q+c+q|c+q+c/.test(kinds))
      problems.push('buttons: keep the quick replies together, before or after the others');
    buttons.forEach((b, i) => {
      if (b.type === 'URL') {
        const vars = variablesOf(b.url);
        if (!/^https?:\/\//.test(b.url)) problems.push(`button ${i + 1}: the URL must start with https://`);
        if (vars.length > 1 || (vars.length === 1 && !/\{\{\s*[A-Za-z0-9_]+\s*\}\}$/.test(b.url))) {
          problems.push(`button ${i + 1}: a URL may have one variable, at its end`);
        }
        // Meta numbers a URL's variable {{1}} in named-parameter templates too.
        if (vars.length === 1 && vars[0] !== '1')
          problems.push(`button ${i + 1}: a URL's variable is {{1}}, also in named-parameter templates`);
        if (vars.length === 1 && !b.example)
          problems.push(`button ${i + 1}: give an example for the URL variable`);
        out.push({
          type: 'URL',
          text: b.text,
          url: b.url,
          ...(vars.length === 1 && b.example ? { example: [b.example] } : {}),
        });
      } else if (b.type === 'QUICK_REPLY') out.push({ type: 'QUICK_REPLY', text: b.text });
      else if (b.type === 'PHONE_NUMBER') {
        out.push({ type: 'PHONE_NUMBER', text: b.text, phone_number: b.phone_number });
      } else out.push({ type: 'COPY_CODE', example: b.example });
    });
    components.push({ type: 'BUTTONS', buttons: out });
  }
  if (def.authentication) problems.push('authentication: only for the AUTHENTICATION category');
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', `Template is not valid: ${problems.join('; ')}`, { problems });
  }
  return components;
}
