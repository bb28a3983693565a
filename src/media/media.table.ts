/** Media of received messages, downloaded from Meta and kept by the hub (Meta's ids expire). */
export interface MediaFileTable {
  /** The hub message the media belongs to. */
  message_id: string;
  phone_number_id: string;
  /** Meta's media id, from the webhook. */
  media_id: string;
  state: 'stored' | 'failed';
  mime_type: string | null;
  sha256: string | null;
  size: number | null;
  bytes: Buffer | null;
  error: string | null;
  attempts: number;
  created_at: number;
  updated_at: number;
}

export interface MediaTables {
  media_files: MediaFileTable;
}
