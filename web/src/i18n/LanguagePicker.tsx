import { NativeSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from './index.ts';

type LanguagePickerProps = {
  value: Language | null;
  onChange: (language: Language | null) => void;
  /** Offers "Browser default" (a `null` choice): the account page, where the choice is stored. */
  allowDefault?: boolean;
  disabled?: boolean;
  size?: 'xs' | 'sm';
};

/** The language choice, each language named in itself. */
export function LanguagePicker({
  value,
  onChange,
  allowDefault,
  disabled,
  size = 'sm',
}: LanguagePickerProps) {
  const { t } = useTranslation();
  const data = [
    ...(allowDefault ? [{ value: '', label: t('language.browser') }] : []),
    ...LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] })),
  ];
  return (
    <NativeSelect
      label={t('language.label')}
      data={data}
      size={size}
      disabled={disabled}
      value={value ?? ''}
      onChange={(event) => {
        const next = event.currentTarget.value;
        onChange(next === '' ? null : (next as Language));
      }}
      data-testid="language-picker"
    />
  );
}
