import {
  Alert,
  Badge,
  Button,
  FileInput,
  Group,
  List,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../api/client.ts';
import { AuthenticationFields } from './AuthenticationFields.tsx';
import { ButtonsEditor } from './ButtonsEditor.tsx';
import { TemplatePreview } from './TemplatePreview.tsx';
import {
  type Category,
  definitionOf,
  emptyForm,
  formFromTemplate,
  type HeaderKind,
  LANGUAGES,
  MEDIA_ACCEPT,
  nextVariable,
  previewComponents,
  type TemplateForm,
  variablesOf,
} from './template-form.ts';
import { type Template, uploadTemplateSample, useCreateTemplate, useEditTemplate } from './templates.api.ts';

type TemplateEditorProps = {
  wabaId: string;
  /** The template to edit; absent: a new one. */
  template?: Template;
  onDone: () => void;
};

/** Meta's problems with a definition: our checks' list, or Meta's own words when Meta refused it. */
function Problems({ error }: { error: unknown }) {
  const { t } = useTranslation('templates');
  if (!error) return null;
  const details =
    error instanceof ApiError ? (error.details as Record<string, unknown> | undefined) : undefined;
  const problems = Array.isArray(details?.problems) ? (details.problems as string[]) : [];
  const fromMeta = error instanceof ApiError && error.code === 'GRAPH_REQUEST_FAILED';
  return (
    <Alert
      color="red"
      title={fromMeta ? t('errors.meta') : t('errors.invalid')}
      data-testid="template-errors"
    >
      {problems.length > 0 ? (
        <List size="sm">
          {problems.map((p) => (
            <List.Item key={p}>{p}</List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm">{errorMessage(error)}</Text>
      )}
    </Alert>
  );
}

/**
 * Creates or edits a template: header (text or a media sample uploaded to Meta), body with
 * positional or named variables and their examples, footer, buttons, category and language, with
 * the live preview beside it. Editing follows Meta's rules: name and language stay, an approved
 * template keeps its category, and the edit goes back to review.
 */
export function TemplateEditor({ wabaId, template, onDone }: TemplateEditorProps) {
  const { t } = useTranslation('templates');
  const create = useCreateTemplate();
  const edit = useEditTemplate();
  const [form, setForm] = useState<TemplateForm>(() => (template ? formFromTemplate(template) : emptyForm()));
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const editing = template !== undefined;
  const categoryLocked = editing && template.status === 'APPROVED';
  const set = (patch: Partial<TemplateForm>) => setForm((f) => ({ ...f, ...patch }));
  const variables = [
    ...new Set([...variablesOf(form.header === 'TEXT' ? form.headerText : ''), ...variablesOf(form.body)]),
  ];
  const mutation = editing ? edit : create;

  const handleFile = async (file: File | null) => {
    setUploadError(null);
    if (!file) return set({ headerHandle: '', headerFileName: '', headerPreviewUrl: '' });
    setUploading(true);
    try {
      const sample = await uploadTemplateSample(wabaId, file);
      set({
        headerHandle: sample.handle,
        headerFileName: file.name,
        headerPreviewUrl: sample.format === 'IMAGE' ? URL.createObjectURL(file) : '',
      });
    } catch (error) {
      setUploadError(error);
    } finally {
      setUploading(false);
    }
  };

  const handleSubmit = () => {
    const definition = definitionOf(form, wabaId);
    if (!editing) return create.mutate(definition, { onSuccess: onDone });
    const { waba_id: _w, name: _n, language: _l, ...content } = definition;
    edit.mutate(
      { id: template.id, definition: categoryLocked ? { ...content, category: undefined } : content },
      { onSuccess: onDone },
    );
  };

  const header = form.header;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="sm">
        <TextInput
          label={t('fields.name')}
          description={t('fields.nameHint')}
          value={form.name}
          onChange={(e) => set({ name: e.currentTarget.value.toLowerCase().replace(/[^a-z0-9_]/g, '_') })}
          disabled={editing}
          required
        />
        <Group grow>
          <Select
            label={t('fields.language')}
            data={[...new Set([...LANGUAGES, form.language])]}
            value={form.language}
            onChange={(v) => set({ language: v ?? 'en_US' })}
            searchable
            disabled={editing}
          />
          <Select
            label={t('fields.category')}
            data={(['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const).map((c) => ({
              value: c,
              label: t(`categories.${c}`),
            }))}
            value={form.category}
            onChange={(v) => set({ category: (v as Category) ?? 'MARKETING' })}
            disabled={categoryLocked}
            description={categoryLocked ? t('edit.categoryLocked') : undefined}
          />
        </Group>
        {form.category === 'AUTHENTICATION' ? (
          <AuthenticationFields auth={form.auth} onChange={(auth) => set({ auth })} />
        ) : (
          <>
            <div>
              <Text size="sm" fw={500} mb={4}>
                {t('fields.variables')}
              </Text>
              <SegmentedControl
                size="xs"
                value={form.parameterFormat}
                onChange={(v) => set({ parameterFormat: v as TemplateForm['parameterFormat'], examples: {} })}
                data={[
                  { value: 'positional', label: t('fields.positional', { example: '{{1}}' }) },
                  { value: 'named', label: t('fields.named', { example: '{{first_name}}' }) },
                ]}
              />
            </div>
            <Select
              label={t('header.label')}
              data={(['NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'] as const).map((k) => ({
                value: k,
                label: t(`header.kinds.${k}`),
              }))}
              value={header}
              onChange={(v) =>
                set({ header: (v as HeaderKind) ?? 'NONE', headerHandle: '', headerFileName: '' })
              }
            />
            {header === 'TEXT' && (
              <TextInput
                label={t('header.text')}
                maxLength={60}
                value={form.headerText}
                onChange={(e) => set({ headerText: e.currentTarget.value })}
              />
            )}
            {header !== 'NONE' && header !== 'TEXT' && (
              <Group align="flex-end">
                <FileInput
                  label={t('header.sample')}
                  description={t(`header.sampleHint.${header}`)}
                  accept={MEDIA_ACCEPT[header]}
                  onChange={handleFile}
                  placeholder={form.headerFileName || t('header.choose')}
                  style={{ flex: 1 }}
                  disabled={uploading}
                />
                {uploading && <Badge color="yellow">{t('header.uploading')}</Badge>}
                {!uploading && form.headerHandle && (
                  <Badge color="green" data-testid="sample-uploaded">
                    {t('header.uploaded')}
                  </Badge>
                )}
              </Group>
            )}
            {uploadError !== null && <Alert color="red">{errorMessage(uploadError)}</Alert>}
            <Textarea
              label={t('body.label')}
              description={t('body.hint')}
              autosize
              minRows={3}
              maxLength={1024}
              value={form.body}
              onChange={(e) => set({ body: e.currentTarget.value })}
              required
            />
            <Group>
              <Button
                size="xs"
                variant="light"
                onClick={() => set({ body: `${form.body}${nextVariable(form, form.body)}` })}
              >
                {t('body.addVariable')}
              </Button>
            </Group>
            {variables.length > 0 && (
              <Stack gap={4} data-testid="variable-examples">
                <Text size="sm" fw={500}>
                  {t('examples.title')}
                </Text>
                {variables.map((v) => (
                  <TextInput
                    key={v}
                    size="xs"
                    label={t('examples.for', { variable: `{{${v}}}` })}
                    value={form.examples[v] ?? ''}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      setForm((f) => ({ ...f, examples: { ...f.examples, [v]: value } }));
                    }}
                  />
                ))}
              </Stack>
            )}
            <TextInput
              label={t('footer.label')}
              maxLength={60}
              value={form.footer}
              onChange={(e) => set({ footer: e.currentTarget.value })}
            />
            <ButtonsEditor buttons={form.buttons} onChange={(buttons) => set({ buttons })} />
          </>
        )}
        {editing && (
          <Alert color="blue" data-testid="edit-rules">
            {t('edit.rules')}
          </Alert>
        )}
        <Problems error={mutation.error} />
        <Button loading={mutation.isPending} onClick={handleSubmit} disabled={uploading}>
          {editing ? t('edit.submit') : t('actions.submit')}
        </Button>
      </Stack>
      <Stack gap="xs" style={{ position: 'sticky', top: 0, alignSelf: 'flex-start' }}>
        <Text size="sm" fw={500}>
          {t('preview.title')}
        </Text>
        <TemplatePreview template={{ components: previewComponents(form) }} />
      </Stack>
    </SimpleGrid>
  );
}
