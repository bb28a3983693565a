/** A `message_template_status_update`, in the hub's own types (what the Meta webhook parser hands on). */
export type TemplateStatusUpdate = {
  readonly name: string | null;
  readonly language: string | null;
  /** The new status (`APPROVED`, `REJECTED`, `PAUSED`, …). */
  readonly status: string | null;
  /** Meta's template id, read losslessly as a string. */
  readonly templateId: string | null;
  readonly reason: string | null;
  readonly category: string | null;
};
