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
import { errorMessage } from '../../api/client.ts';
import { type EligibilityAnswers, type EligibilityReport, useCheckEligibility } from './onboarding.api.ts';

type EligibilityStepProps = {
  minAppVersion: string;
  onEligible: (answers: EligibilityAnswers, report: EligibilityReport) => void;
};

const STATUS_COLOR = { ok: 'teal', warning: 'orange', blocked: 'red' } as const;
const STATUS_LABEL = { ok: 'OK', warning: 'Check', blocked: 'Not eligible' } as const;
const ITEM_LABEL = {
  country: 'Country code',
  app_version: 'WhatsApp Business app version',
  days_in_use: 'Number in use',
  facebook_page: 'Facebook page',
} as const;

/** Step 1: what the hub can check (the country code) and what it asks (app version, days in use, page). */
export function EligibilityStep({ minAppVersion, onEligible }: EligibilityStepProps) {
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
      <Text size="sm">
        The number must already be in use in the WhatsApp Business app on the owner's phone. It keeps working
        there; Coexist receives a copy of everything and can answer through the Cloud API.
      </Text>
      <TextInput
        label="Phone number (with country code)"
        placeholder="+44 7700 900123"
        value={phone}
        onChange={(e) => setPhone(e.currentTarget.value)}
      />
      <TextInput
        label="WhatsApp Business app version"
        description={`On the phone: Settings > Help > App info. At least ${minAppVersion}.`}
        placeholder="2.25.21.78"
        value={version}
        onChange={(e) => setVersion(e.currentTarget.value)}
      />
      <NumberInput label="Days the number has been used in the app" min={0} value={days} onChange={setDays} />
      <Checkbox
        label="A Facebook page is linked to the WhatsApp Business account"
        checked={page}
        onChange={(e) => setPage(e.currentTarget.checked)}
      />
      <Group>
        <Button onClick={handleCheck} loading={check.isPending} disabled={!phone}>
          Check eligibility
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
                        ({item.source === 'checked' ? 'checked by Coexist' : 'your answer'})
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
              <Button onClick={() => onEligible(answers, report)}>Continue to Facebook</Button>
              <Text size="xs" c="dimmed">
                Meta makes the final decision during the signup.
              </Text>
            </Group>
          ) : (
            <Alert color="red" title="Not eligible yet">
              Fix the items marked "Not eligible", then check again.
            </Alert>
          )}
        </Stack>
      )}
    </Stack>
  );
}
