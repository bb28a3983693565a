import { Alert, Checkbox, Group, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuthForm, OtpType } from './template-form.ts';

type AuthenticationFieldsProps = {
  auth: AuthForm;
  onChange: (auth: AuthForm) => void;
};

/**
 * An authentication template's form: Meta presets its text ("{{1}} is your verification code."),
 * so the editor offers only its options: the security recommendation, the code's expiry, and the
 * one code button (copy code, one-tap autofill or zero-tap, the last two with the Android app that
 * receives the code).
 */
export function AuthenticationFields({ auth, onChange }: AuthenticationFieldsProps) {
  const { t } = useTranslation('templates');
  const set = (patch: Partial<AuthForm>) => onChange({ ...auth, ...patch });
  const android = auth.otpType !== 'COPY_CODE';
  return (
    <Stack gap="sm" data-testid="authentication-fields">
      <Alert color="blue">{t('authentication.preset')}</Alert>
      <Checkbox
        label={t('authentication.security')}
        checked={auth.security}
        onChange={(e) => set({ security: e.currentTarget.checked })}
      />
      <NumberInput
        label={t('authentication.expiry')}
        description={t('authentication.expiryHint')}
        min={1}
        max={90}
        allowDecimal={false}
        value={auth.expiry === '' ? '' : Number(auth.expiry)}
        onChange={(v) => set({ expiry: v === '' ? '' : String(v) })}
      />
      <div>
        <Text size="sm" fw={500} mb={4}>
          {t('authentication.button')}
        </Text>
        <SegmentedControl
          size="xs"
          value={auth.otpType}
          onChange={(v) => set({ otpType: v as OtpType })}
          data={(['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'] as const).map((v) => ({
            value: v,
            label: t(`authentication.otp.${v}`),
          }))}
        />
      </div>
      <TextInput
        label={t('authentication.buttonText')}
        maxLength={25}
        placeholder={t('buttons.copyCodeLabel')}
        value={auth.buttonText}
        onChange={(e) => set({ buttonText: e.currentTarget.value })}
      />
      {android && (
        <>
          <Text size="xs" c="dimmed">
            {t('authentication.androidHint')}
          </Text>
          <TextInput
            label={t('authentication.autofillText')}
            maxLength={25}
            placeholder={t('authentication.autofillPlaceholder')}
            value={auth.autofillText}
            onChange={(e) => set({ autofillText: e.currentTarget.value })}
          />
          <Group grow>
            <TextInput
              label={t('authentication.packageName')}
              placeholder="com.example.app"
              value={auth.packageName}
              onChange={(e) => set({ packageName: e.currentTarget.value.trim() })}
              required
            />
            <TextInput
              label={t('authentication.signatureHash')}
              placeholder={t('authentication.signaturePlaceholder')}
              maxLength={11}
              value={auth.signatureHash}
              onChange={(e) => set({ signatureHash: e.currentTarget.value.trim() })}
              required
            />
          </Group>
        </>
      )}
      {auth.otpType === 'ZERO_TAP' && (
        <Checkbox
          label={t('authentication.zeroTapTerms')}
          checked={auth.zeroTapTerms}
          onChange={(e) => set({ zeroTapTerms: e.currentTarget.checked })}
        />
      )}
    </Stack>
  );
}
