#!/usr/bin/env node
/*
 * The web app's catalogues are complete (`npm run check:i18n`, and src/platform/i18n-catalogues.test.ts):
 * - every language has every namespace and key of English, no key English lacks, no empty text,
 *   the same {{placeholders}}, and each plural in every category the language needs (CLDR);
 * - every literal key the code uses (`t('key')`, `t('ns:key')`, `translate('ns:key')`,
 *   `i18nKey="key"`) exists in English, in the file's namespace (`useTranslation('ns')`);
 * - no component shows hard-coded text: JSX text, a string in a JSX child, or a string given to a
 *   prop people read (`label`, `placeholder`, `aria-label`, `title`, …) goes through `t()` instead
 *   (`hardCodedText`; `KNOWN_HARD_CODED` lists the files still to be translated, and only shrinks);
 * - every error code of the hub's catalogue (src/platform/errors.ts) has an English text.
 * Prints one line per problem and exits 1 when there is any.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = 'en';
const DEFAULT_NS = 'common';
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value, prefix, out) {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child !== null && typeof child === 'object') flatten(child, path, out);
    else out.set(path, child);
  }
  return out;
}

function readCatalogues(root) {
  const LOCALES = join(root, 'web/src/i18n/locales');
  const byLanguage = new Map();
  for (const language of readdirSync(LOCALES)) {
    const dir = join(LOCALES, language);
    if (!statSync(dir).isDirectory()) continue;
    const namespaces = new Map();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      namespaces.set(
        file.slice(0, -5),
        flatten(JSON.parse(readFileSync(join(dir, file), 'utf8')), '', new Map()),
      );
    }
    byLanguage.set(language, namespaces);
  }
  return byLanguage;
}

const placeholders = (text) =>
  [...String(text).matchAll(/\{\{\s*([^,}\s]+)[^}]*\}\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

/** A plural's placeholders but `count`, which a language may leave out ("one message"). */
const withoutCount = (text) =>
  placeholders(text)
    .split(',')
    .filter((name) => name !== 'count' && name !== '')
    .join(',');

/** Groups plural keys by their base: `rows_one`, `rows_other` → `rows`. */
function pluralBases(keys) {
  const bases = new Set();
  for (const key of keys) if (PLURAL.test(key)) bases.add(key.replace(PLURAL, ''));
  return bases;
}

function compare(language, catalogues, source, problems) {
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
  for (const [ns, sourceKeys] of source) {
    const keys = catalogues.get(ns);
    if (!keys) {
      problems.push(`${language}/${ns}.json: missing (English has it)`);
      continue;
    }
    const bases = pluralBases(sourceKeys.keys());
    for (const [key, text] of sourceKeys) {
      if (PLURAL.test(key) && bases.has(key.replace(PLURAL, ''))) continue;
      if (!keys.has(key)) problems.push(`${language}/${ns}.json: missing "${key}"`);
      else if (placeholders(keys.get(key)) !== placeholders(text))
        problems.push(
          `${language}/${ns}.json: "${key}" has {{${placeholders(keys.get(key))}}}, English {{${placeholders(text)}}}`,
        );
    }
    for (const base of bases) {
      const english = sourceKeys.get(`${base}_other`) ?? '';
      for (const category of categories) {
        const key = `${base}_${category}`;
        if (!keys.has(key)) problems.push(`${language}/${ns}.json: missing plural "${key}"`);
        else if (withoutCount(keys.get(key)) !== withoutCount(english))
          problems.push(
            `${language}/${ns}.json: "${key}" has other placeholders than English "${base}_other"`,
          );
      }
    }
    for (const [key, text] of keys) {
      const base = key.replace(PLURAL, '');
      const known = sourceKeys.has(key) || (PLURAL.test(key) && bases.has(base));
      if (!known) problems.push(`${language}/${ns}.json: "${key}" is not in English (stale?)`);
      if (typeof text !== 'string' || text.trim() === '')
        problems.push(`${language}/${ns}.json: "${key}" is empty`);
    }
  }
  for (const ns of catalogues.keys()) {
    if (!source.has(ns)) problems.push(`${language}/${ns}.json: English has no such namespace`);
  }
}

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'locales' && entry.name !== 'node_modules') sourceFiles(path, out);
    } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

const CALL = /(?<![\w$])(?:t|i18n\.t|translate)\(\s*(['"])((?:(?!\1)[^\\\n])+)\1/g;
const I18N_KEY = /i18nKey=(['"])([^'"\n]+)\1/g;
const NAMESPACE = /useTranslation\(\s*(?:\[\s*)?(['"])([\w-]+)\1/;

/** Literal keys used in code, each with its namespace, that English lacks. */
function checkUsage(root, source, problems) {
  for (const file of sourceFiles(join(root, 'web/src'))) {
    const text = readFileSync(file, 'utf8');
    const fileNs = NAMESPACE.exec(text)?.[2] ?? DEFAULT_NS;
    for (const match of [...text.matchAll(CALL), ...text.matchAll(I18N_KEY)]) {
      const raw = match[2];
      if (raw.includes('${')) continue;
      const [ns, key] = raw.includes(':') ? raw.split(/:(.*)/s) : [fileNs, raw];
      const keys = source.get(ns);
      const known =
        keys &&
        (keys.has(key) || [...keys.keys()].some((k) => PLURAL.test(k) && k.replace(PLURAL, '') === key));
      const line = text.slice(0, match.index).split('\n').length;
      if (!known) problems.push(`${relative(root, file)}:${line}: "${ns}:${key}" is not in en/${ns}.json`);
    }
  }
}

/** Props whose string a person reads or hears. */
const READ_PROPS = new Set([
  'alt',
  'aria-description',
  'aria-label',
  'aria-placeholder',
  'aria-valuetext',
  'confirmLabel',
  'description',
  'emptyMessage',
  'error',
  'label',
  'legend',
  'message',
  'nothingFoundMessage',
  'placeholder',
  'title',
  'tooltip',
]);

/**
 * Text that needs no translation: no two letters in a row, the product's and vendors' names and
 * acronyms, language codes, URLs, file names, e-mail addresses and HTML snippets given as examples.
 */
const NOT_WORDS = [
  /^[^\p{L}]*$/u,
  /^\P{L}*\p{L}\P{L}*$/u,
  /^\P{L}*(Coexist|WhatsApp|Meta|API|CSAT|SLA|BSUID|URL|JSON|CSV|HTTP|IANA|p90|TOTP|MFA)\P{L}*$/u,
  /^[a-z]{2}(-[A-Z]{2})?(, ?[a-z]{2}(-[A-Z]{2})?)*…?$/,
  /^(https?:\/\/|\/)\S*$/,
  /^[\w.-]+\.(csv|json|png|txt)$/,
  /^[a-z][\w]*(\.[a-z][\w]*)+$/,
  /^<[a-z][\s\S]*>$/,
  /^[\w.+-]+@[\w.-]+$/,
];

/**
 * Files that still show hard-coded text, with how many places; `npm run check:i18n` fails when a
 * file has more (or another file has any) and asks for the number to come down when it has fewer.
 */
export const KNOWN_HARD_CODED = {};

const isWords = (text) => !NOT_WORDS.some((pattern) => pattern.test(text.trim()));

/** The string literals an expression can evaluate to (`a ? 'x' : 'y'`, `a ?? 'x'`, `a && 'x'`). */
function literalsOf(node, out = []) {
  if (!node) return out;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node);
  else if (ts.isTemplateExpression(node)) out.push(node);
  else if (ts.isParenthesizedExpression(node)) literalsOf(node.expression, out);
  else if (ts.isConditionalExpression(node)) {
    literalsOf(node.whenTrue, out);
    literalsOf(node.whenFalse, out);
  } else if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
      literalsOf(node.left, out);
      literalsOf(node.right, out);
    } else if (op === ts.SyntaxKind.AmpersandAmpersandToken) literalsOf(node.right, out);
  }
  return out;
}

/** The text of a literal: a template's fixed parts only (`Conversation with ${name}` → "Conversation with "). */
function literalText(node) {
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
  return node.text;
}

/** Each place in one .tsx file's source where a person reads text that is not translated. */
export function hardCodedText(text, fileName = 'file.tsx') {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found = [];
  const report = (node, shown) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push({ line: line + 1, text: shown.replace(/\s+/g, ' ').trim() });
  };
  const visit = (node) => {
    if (ts.isJsxText(node)) {
      if (isWords(node.text)) report(node, node.text);
    } else if (ts.isJsxAttribute(node) && node.initializer && READ_PROPS.has(node.name.getText(source))) {
      const init = node.initializer;
      const expression = ts.isJsxExpression(init) ? init.expression : init;
      for (const literal of literalsOf(expression))
        if (isWords(literalText(literal)))
          report(literal, `${node.name.getText(source)}="${literalText(literal)}"`);
      return;
    } else if (ts.isJsxExpression(node) && node.parent && !ts.isJsxAttribute(node.parent)) {
      for (const literal of literalsOf(node.expression))
        if (isWords(literalText(literal))) report(literal, literalText(literal));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Hard-coded text in the web app's components, against `KNOWN_HARD_CODED`. */
function checkHardCoded(root, problems, known = KNOWN_HARD_CODED) {
  const counts = new Map();
  for (const file of sourceFiles(join(root, 'web/src')).filter((f) => f.endsWith('.tsx'))) {
    const path = relative(root, file).split('\\').join('/');
    const found = hardCodedText(readFileSync(file, 'utf8'), file);
    counts.set(path, found.length);
    const allowed = known[path] ?? 0;
    if (found.length > allowed)
      for (const place of found)
        problems.push(`${path}:${place.line}: hard-coded text "${place.text}" (use t())`);
  }
  for (const [path, allowed] of Object.entries(known)) {
    const count = counts.get(path) ?? 0;
    if (count < allowed)
      problems.push(`${path}: ${count} hard-coded texts left, KNOWN_HARD_CODED says ${allowed}: lower it`);
  }
}

function checkErrorCodes(root, source, problems) {
  const errors = readFileSync(join(root, 'src/platform/errors.ts'), 'utf8');
  const body = errors.slice(errors.indexOf('errorCatalogue'), errors.indexOf('\n};'));
  const english = source.get('errors') ?? new Map();
  for (const [, code] of body.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)) {
    if (!english.has(code))
      problems.push(`en/errors.json: missing the error code "${code}" (src/platform/errors.ts)`);
  }
}

/** Every problem of the catalogues under `root` (the repository), one line each; none = complete. */
export function checkI18n(root = REPO) {
  const catalogues = readCatalogues(root);
  const source = catalogues.get(SOURCE);
  const problems = [];
  if (!source) return [`${SOURCE}: no catalogues`];
  for (const [language, namespaces] of catalogues)
    if (language !== SOURCE) compare(language, namespaces, source, problems);
  checkUsage(root, source, problems);
  checkErrorCodes(root, source, problems);
  checkHardCoded(root, problems, root === REPO ? KNOWN_HARD_CODED : {});
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = checkI18n();
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`check:i18n: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log('check:i18n: every catalogue has every key');
}
