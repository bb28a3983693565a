import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkI18n, hardCodedText } from '../../../bin/check-i18n.mjs';

/** A throwaway repository with the given files (path → content). */
function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'coexist-i18n-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  roots.push(root);
  return root;
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const ERRORS = 'export const errorCatalogue = {\n  NOT_FOUND: { status: 404 },\n};\n';
const L = 'web/src/i18n/locales';

describe('npm run check:i18n', () => {
  it('finds every catalogue of this repository complete', () => {
    expect(checkI18n()).toEqual([]);
  });

  it('passes complete catalogues with plurals in each language’s categories', () => {
    const root = repo({
      'src/platform/errors.ts': ERRORS,
      [`${L}/en/errors.json`]: { NOT_FOUND: 'Not found.' },
      [`${L}/es/errors.json`]: { NOT_FOUND: 'No encontrado.' },
      [`${L}/en/inbox.json`]: { rows_one: 'One row', rows_other: '{{count}} rows', hi: 'Hi {{name}}' },
      [`${L}/es/inbox.json`]: {
        rows_one: 'Una fila',
        rows_many: '{{count}} de filas',
        rows_other: '{{count}} filas',
        hi: 'Hola {{name}}',
      },
      'web/src/modules/inbox/Row.tsx': "useTranslation('inbox'); t('hi', { name }); t('rows', { count });",
    });
    expect(checkI18n(root)).toEqual([]);
  });

  it('reports missing, stale, empty and mis-placeheld keys, missing plural categories and unknown keys in code', () => {
    const root = repo({
      'src/platform/errors.ts': 'export const errorCatalogue = {\n  NOT_FOUND: {},\n  CONFLICT: {},\n};\n',
      [`${L}/en/errors.json`]: { NOT_FOUND: 'Not found.' },
      [`${L}/es/errors.json`]: { NOT_FOUND: 'No encontrado.' },
      [`${L}/en/inbox.json`]: {
        a: { b: 'B' },
        rows_one: 'One',
        rows_other: '{{count}} rows',
        hi: 'Hi {{name}}',
      },
      [`${L}/es/inbox.json`]: {
        rows_one: 'Una',
        rows_other: '{{count}} filas',
        hi: 'Hola {{nombre}}',
        old: 'x',
        e: '',
      },
      [`${L}/en/common.json`]: { save: 'Save' },
      'web/src/modules/inbox/Row.tsx':
        "useTranslation('inbox'); t('a.b'); t('a.c'); t('common:save'); t('common:nope');",
    });
    expect(checkI18n(root).sort()).toEqual(
      [
        'es/common.json: missing (English has it)',
        'es/inbox.json: missing "a.b"',
        'es/inbox.json: "hi" has {{nombre}}, English {{name}}',
        'es/inbox.json: missing plural "rows_many"',
        'es/inbox.json: "old" is not in English (stale?)',
        'es/inbox.json: "e" is not in English (stale?)',
        'es/inbox.json: "e" is empty',
        'web/src/modules/inbox/Row.tsx:1: "inbox:a.c" is not in en/inbox.json',
        'web/src/modules/inbox/Row.tsx:1: "common:nope" is not in en/common.json',
        'en/errors.json: missing the error code "CONFLICT" (src/platform/errors.ts)',
      ].sort(),
    );
  });
});

describe('hard-coded text in components', () => {
  const texts = (source: string) => hardCodedText(source).map((f: { text: string }) => f.text);

  it('finds JSX text, strings in JSX children and in the props people read', () => {
    const source = [
      'export const A = ({ on, name }) => (',
      '  <Stack aria-label="Conversation list" title={on ? "Open" : "Closed"}>',
      '    <Text>No conversations here.</Text>',
      "    {on && 'Loading more'}",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the component's source, a template literal in it.
      '    <Input placeholder={`Search ${name}`} label={name ?? "Unknown"} />',
      '  </Stack>',
      ');',
    ].join('\n');
    expect(texts(source)).toEqual([
      'aria-label="Conversation list"',
      'title="Open"',
      'title="Closed"',
      'No conversations here.',
      'Loading more',
      'placeholder="Search "',
      'label="Unknown"',
    ]);
  });

  it('leaves translated text, code-like props, names, codes and examples alone', () => {
    const source = [
      'export const B = ({ t, n }) => (',
      '  <Box data-testid="conversation-row" className="row" variant="light" aria-label={t("list.label")}>',
      "    {t('list.empty')} · {n} ✓✓ {'→'}",
      '    <Title>Coexist</Title> <Badge>API</Badge> <Kbd>?</Kbd> <Text>{n}h</Text>',
      '    <Input placeholder="https://crm.example.com/hooks" /> <Input placeholder="en, es, pt-BR" />',
      '    <Input placeholder="contacts.csv" />',
      '  </Box>',
      ');',
    ].join('\n');
    expect(texts(source)).toEqual([]);
  });

  it('reports a component with hard-coded text in the repository check', () => {
    const root = repo({
      'src/platform/errors.ts': ERRORS,
      [`${L}/en/errors.json`]: { NOT_FOUND: 'Not found.' },
      'web/src/modules/inbox/Empty.tsx': 'export const E = () => <Text>Nothing here</Text>;',
    });
    expect(checkI18n(root)).toEqual([
      'web/src/modules/inbox/Empty.tsx:1: hard-coded text "Nothing here" (use t())',
    ]);
  });
});
