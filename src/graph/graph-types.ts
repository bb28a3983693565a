/** An error answered by the Graph API (`{ error: { code, message, error_data, … } }`), in the hub's terms. */
export type GraphError = {
  readonly httpStatus: number;
  /** Meta's `error.code`; null when the body was not a Graph error (a proxy's 502, say). */
  readonly code: number | null;
  readonly subcode: number | null;
  readonly title: string;
  readonly message: string;
  /** `error.error_data.details`: what Meta says to key logic on together with the code. */
  readonly details: string | null;
  readonly fbtraceId: string | null;
  readonly isTransient: boolean | null;
  /** Set when the request provably never left (the connection failed): safe to make again. */
  readonly notSent?: boolean;
};

/** What became of one send request. */
export type SendOutcome =
  /** Meta accepted the message (HTTP 200); delivery follows as status webhooks. */
  | {
      readonly kind: 'accepted';
      readonly wamid: string;
      readonly waId: string | null;
      readonly input: string | null;
      readonly messageStatus: string | null;
    }
  /** Meta answered with an error before accepting: nothing was sent. */
  | { readonly kind: 'rejected'; readonly error: GraphError }
  /**
   * Meta could not be reached: the connection failed (refused, reset or timed out while connecting),
   * so the request was never sent. Safe to send again once Meta is reachable.
   */
  | { readonly kind: 'unreachable'; readonly reason: string }
  /** The request may or may not have been accepted (timeout, connection reset, 5xx): never resend blindly. */
  | { readonly kind: 'unknown'; readonly reason: string; readonly error: GraphError | null };

/** `GET /{phone_number_id}` fields the hub reads. */
export type GraphPhoneNumber = {
  readonly id: string;
  readonly displayPhoneNumber: string | null;
  readonly verifiedName: string | null;
  readonly isOnBizApp: boolean;
  readonly platformType: string | null;
  readonly throughputLevel: string | null;
  /** `GREEN`, `YELLOW`, `RED` or `UNKNOWN`, as Meta rates the number's recent messages. */
  readonly qualityRating: string | null;
};

/** One template as listed by `GET /{waba_id}/message_templates`. */
export type GraphTemplate = {
  readonly id: string;
  readonly name: string;
  readonly language: string;
  readonly status: string;
  readonly category: string | null;
  readonly parameterFormat: string | null;
  readonly components: unknown[];
  readonly rejectedReason: string | null;
};

/** The result of a call that is not a send: the parsed body, or the Graph error. */
export type GraphResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: GraphError };
