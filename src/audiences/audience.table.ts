/** A saved segment: a name and its filter (see `segment-filter.ts`). */
export interface SegmentTable {
  id: string;
  name: string;
  filter_json: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export type ContactImportState = 'pending' | 'running' | 'done' | 'rejected' | 'failed';

/** A CSV contact import: its file while it runs, its progress and the report of rejected rows. */
export interface ContactImportTable {
  id: string;
  phone_number_id: string;
  /** `all_or_nothing`: any bad row imports nothing; `valid_only`: good rows go in, bad ones are reported. */
  mode: 'all_or_nothing' | 'valid_only';
  state: ContactImportState;
  file_name: string | null;
  /** The uploaded file, kept until the job has run (then cleared). */
  csv_text: string | null;
  total_rows: number;
  processed_rows: number;
  imported_rows: number;
  rejected_rows: number;
  /** `[{ row, reason, raw }]`: every bad row with why. */
  rejects_json: string | null;
  error: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface AudienceTables {
  segments: SegmentTable;
  contact_imports: ContactImportTable;
}
