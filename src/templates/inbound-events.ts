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

/** A `message_template_quality_update`: Meta rated the template again (`GREEN`, `YELLOW`, `RED`, `UNKNOWN`). */
export type TemplateQualityUpdate = {
  readonly name: string | null;
  readonly language: string | null;
  readonly templateId: string | null;
  readonly previousScore: string | null;
  readonly newScore: string | null;
};

/**
 * A `template_category_update`: Meta changed a template's category (`newCategory`), or announces
 * that it will (`correctCategory` without `newCategory`, effective at `effectiveAt`).
 */
export type TemplateCategoryUpdate = {
  readonly name: string | null;
  readonly language: string | null;
  readonly templateId: string | null;
  readonly previousCategory: string | null;
  readonly newCategory: string | null;
  readonly correctCategory: string | null;
  /** `category_update_timestamp` in ms, when given. */
  readonly effectiveAt: number | null;
};
