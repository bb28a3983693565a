import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  ZBusiestHoursResponse,
  ZCampaignsReportResponse,
  ZCostsReportResponse,
  ZCsatResponsesResponse,
  ZGroupedResponse,
  ZNumberSettings,
  ZOverviewResponse,
  ZRespondersResponse,
  ZSlaBreachesResponse,
} from '../../../../src/analytics/reports.schemas.ts';
import { api } from '../../api/client.ts';

export type Overview = z.infer<typeof ZOverviewResponse>;
export type Grouped = z.infer<typeof ZGroupedResponse>;
export type Responders = z.infer<typeof ZRespondersResponse>;
export type BusiestHours = z.infer<typeof ZBusiestHoursResponse>;
export type CostsReport = z.infer<typeof ZCostsReportResponse>;
export type CampaignsReport = z.infer<typeof ZCampaignsReportResponse>;
export type CsatResponses = z.infer<typeof ZCsatResponsesResponse>;
export type SlaBreaches = z.infer<typeof ZSlaBreachesResponse>;
export type CoreMetrics = Overview['totals'];
export type Distribution = CoreMetrics['first_response_time'];

/** What every report is asked for: the range, the time zone, one number or all, business hours. */
export type ReportFilters = {
  from: string;
  to: string;
  timeZone: string;
  phoneNumberId: string | null;
  businessHours: boolean;
};

function query(f: ReportFilters) {
  return {
    from: f.from,
    to: f.to,
    time_zone: f.timeZone,
    business_hours: f.businessHours ? 'true' : 'false',
    phone_number_id: f.phoneNumberId ?? undefined,
  };
}

/** One report, re-read when the filters change. */
export function useReport<T>(path: string, filters: ReportFilters) {
  return useQuery({
    queryKey: ['reports', path, filters],
    queryFn: () => api<T>(`/api/reports/${path}`, { query: query(filters) }),
    staleTime: 30_000,
  });
}

export function useCsatResponses(filters: ReportFilters) {
  return useQuery({
    queryKey: ['reports', 'csat-list', filters],
    queryFn: () =>
      api<CsatResponses>('/api/reports/csat', {
        query: { from: filters.from, to: filters.to, phone_number_id: filters.phoneNumberId ?? undefined },
      }),
  });
}

export function useSlaBreaches(filters: ReportFilters) {
  return useQuery({
    queryKey: ['reports', 'sla', filters],
    queryFn: () =>
      api<SlaBreaches>('/api/reports/sla-breaches', {
        query: { from: filters.from, to: filters.to, phone_number_id: filters.phoneNumberId ?? undefined },
      }),
  });
}

export type NumberSettings = z.infer<typeof ZNumberSettings>;
export type NumberSettingsInput = Omit<NumberSettings, 'phone_number_id'>;

/** Each visible number's report settings: time zone, business hours and holidays, SLA targets, CSAT. */
export function useNumberSettings() {
  return useQuery({
    queryKey: ['reports', 'settings'],
    queryFn: () => api<{ data: NumberSettings[] }>('/api/reports/settings'),
  });
}

export function useSaveNumberSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: NumberSettingsInput }) =>
      api<NumberSettings>(`/api/reports/settings/${id}`, { method: 'PUT', body }),
    onSettled: () => client.invalidateQueries({ queryKey: ['reports', 'settings'] }),
  });
}
