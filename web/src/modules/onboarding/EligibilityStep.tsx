import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  List,
  NumberInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { type EligibilityAnswers, type EligibilityReport, useCheckEligibility } from './onboarding.api.ts';

type EligibilityStepProps = {
  minAppVersion: string;
  onEligible: (answers: EligibilityAnswers, report: EligibilityReport) => void;
};

const STATUS_COLOR = { ok: 'teal', warning: 'orange', blocked: 'red' } as const;

/** Step 1: what the hub can check (the country code) and what it asks (app version, days in use, page). */
export function EligibilityStep({ minAppVersion, onEligible }: EligibilityStepProps) {
  const { t } = useTranslation('onboarding');
  const STATUS_LABEL = {
    ok: t('eligibility.status.ok'),
    warning: t('eligibility.status.warning'),
    blocked: t('eligibility.status.blocked'),
  } as const;
  const ITEM_LABEL = {
    country: t('eligibility.item.country'),
    app_version: t('eligibility.item.appVersion'),
    days_in_use: t('eligibility.item.daysInUse'),
    facebook_page: t('eligibility.item.facebookPage'),
  } as const;
  const [phone, setPhone] = useState('');
  const [version, setVersion] = useState('');
  const [days, setDays] = useState<number | string>('');
  const [page, setPage] = useState(false);
  const check = useCheckEligibility();
  const answers: EligibilityAnswers = {
    phone_number: phone,
    app_version: version,
    days_in_use: typeof days === 'number' ? days : Number(days) || 0,
    facebook_page_linked: page,
  };
  const report = check.data;
  const handleCheck = () => check.mutate(answers);
  return (
    <Stack gap="sm" maw={560}>
      <Text size="sm">{t('eligibility.intro')}</Text>
      <TextInput
        label={t('eligibility.phone')}
        placeholder="+44 7700 900123"
        value={phone}
        onChange={(e) => setPhone(e.currentTarget.value)}
      />
      <TextInput
        label={t('eligibility.appVersion')}
        description={t('eligibility.appVersionHint', { version: minAppVersion })}
        placeholder="2.25.21.78"
        value={version}
        onChange={(e) => setVersion(e.currentTarget.value)}
      />
      <NumberInput label={t('eligibility.days')} min={0} value={days} onChange={setDays} />
      <Checkbox
        label={t('eligibility.page')}
        checked={page}
        onChange={(e) => setPage(e.currentTarget.checked)}
      />
      <Group>
        <Button onClick={handleCheck} loading={check.isPending} disabled={!phone}>
          {t('eligibility.check')}
        </Button>
      </Group>
      {check.isError && <Alert color="red">{errorMessage(check.error)}</Alert>}
      {report && (
        <Stack gap="xs" data-testid="eligibility-report">
          <List spacing="xs" listStyleType="none">
            {report.items.map((item) => (
              <List.Item key={item.id}>
                <Group gap="xs" align="flex-start" wrap="nowrap">
                  <Badge color={STATUS_COLOR[item.status]} variant="light" style={{ flexShrink: 0 }}>
                    {STATUS_LABEL[item.status]}
                  </Badge>
                  <div>
                    <Text size="sm" fw={600}>
                      {ITEM_LABEL[item.id]}{' '}
                      <Text span size="xs" c="dimmed">
                        ({item.source === 'checked' ? t('eligibility.checked') : t('eligibility.answered')})
                      </Text>
                    </Text>
                    <Text size="sm">{item.reason}</Text>
                    {item.fix && (
                      <Text size="sm" c="dimmed">
                        {item.fix}
                      </Text>
                    )}
                  </div>
                </Group>
              </List.Item>
            ))}
          </List>
          {report.eligible ? (
            <Group>
              <Button onClick={() => onEligible(answers, report)}>{t('eligibility.continue')}</Button>
              <Text size="xs" c="dimmed">
                {t('eligibility.finalDecision')}
              </Text>
            </Group>
          ) : (
            <Alert color="red" title={t('eligibility.notYetTitle')}>
              {t('eligibility.notYet')}
            </Alert>
          )}
        </Stack>
      )}
    </Stack>
  );
}
