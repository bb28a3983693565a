/** Meta's error catalogue as the sandbox uses it: code → title and default details. */
export const META_ERRORS: Record<number, { title: string; details: string; http: number; type?: string }> = {
  1: { title: 'API Unknown', details: 'Invalid request or possible server error.', http: 400 },
  100: { title: 'Invalid parameter', details: 'Invalid parameter.', http: 400 },
  190: {
    title: 'Invalid OAuth access token - Cannot parse access token',
    details: 'The access token could not be decrypted or is invalid.',
    http: 401,
  },
  80007: {
    title: 'Rate limit issues',
    details: 'The WhatsApp Business Account has reached its rate limit.',
    http: 429,
  },
  130429: { title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.', http: 429 },
  131000: {
    title: 'Something went wrong',
    details: 'Message failed to send due to an unknown error.',
    http: 500,
  },
  131008: { title: 'Required parameter is missing', details: 'A required parameter is missing.', http: 400 },
  131009: {
    title: 'Parameter value is not valid',
    details: 'One or more parameter values are invalid.',
    http: 400,
  },
  131021: {
    title: 'Recipient cannot be sender',
    details: 'Sender and recipient phone number is the same.',
    http: 400,
  },
  131026: {
    title: 'Message undeliverable',
    details: 'Message Undeliverable.',
    http: 400,
  },
  131031: { title: 'Account has been locked', details: 'Business Account locked.', http: 400 },
  131047: {
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    http: 400,
  },
  131050: {
    title:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
    details: 'The user has stopped marketing messages from this business.',
    http: 400,
  },
  131051: {
    title: 'Unsupported message type',
    details: 'Message type is not currently supported.',
    http: 400,
  },
  131053: {
    title: 'Media upload error',
    details: 'Unable to upload the media used in the message.',
    http: 400,
  },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
    http: 429,
  },
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    details: 'The number of parameters provided does not match the expected number of parameters.',
    http: 400,
  },
  132001: {
    title: 'Template name does not exist in the translation',
    details: 'The template does not exist in the specified language or the template has not been approved.',
    http: 404,
  },
  132012: {
    title: 'Parameter format does not match format in the created template',
    details: 'Variable parameter values formatted incorrectly.',
    http: 400,
  },
  132015: { title: 'Template is Paused', details: 'Template is paused due to low quality.', http: 400 },
  132016: { title: 'Template is Disabled', details: 'Template has been permanently disabled.', http: 400 },
  133010: {
    title: 'Account not registered',
    details: 'Phone number not registered on the Whatsapp Business Platform.',
    http: 400,
  },
  2593107: {
    title: 'Synchronization request limit exceeded',
    details: 'You have exceeded the maximum number of times to call the synchronization api.',
    http: 400,
  },
  2593108: {
    title: 'Synchronization request window expired',
    details: 'The synchronization api can only be called within 24 hours of onboarding.',
    http: 400,
  },
  2593109: {
    title: 'History sync is turned off by the business from the WhatsApp Business App',
    details: 'History sharing is turned off by the business',
    http: 400,
  },
};

let traceCounter = 0;
function traceId(): string {
  traceCounter = (traceCounter + 1) % 1_000_000;
  return `A${Buffer.from(`sbx${traceCounter}`).toString('base64url')}Sandbox`;
}

/** A Graph API error; the HTTP layer turns it into Meta's `{ error: { … } }` body. */
export class GraphError extends Error {
  readonly code: number;
  readonly http: number;
  readonly details: string;
  readonly subcode: number | undefined;
  readonly type: string;
  /** `(#code) ` before the message: WhatsApp and parameter errors have it, OAuth and path errors do not. */
  readonly prefix: boolean;
  /** `error_data { messaging_product, details }`: only WhatsApp-layer errors carry it. */
  readonly errorData: boolean;

  constructor(
    code: number,
    opts: {
      details?: string;
      message?: string;
      http?: number;
      subcode?: number;
      type?: string;
      prefix?: boolean;
      errorData?: boolean;
    } = {},
  ) {
    const known = META_ERRORS[code];
    super(opts.message ?? known?.title ?? 'Unknown error');
    this.code = code;
    this.http = opts.http ?? known?.http ?? 400;
    this.details = opts.details ?? known?.details ?? this.message;
    this.subcode = opts.subcode;
    this.type = opts.type ?? known?.type ?? 'OAuthException';
    this.prefix = opts.prefix ?? true;
    this.errorData = opts.errorData ?? true;
  }

  toBody(): Record<string, unknown> {
    const error: Record<string, unknown> = {
      message: this.prefix ? `(#${this.code}) ${this.message}` : this.message,
      type: this.type,
      code: this.code,
    };
    if (this.errorData) error.error_data = { messaging_product: 'whatsapp', details: this.details };
    if (this.subcode !== undefined) error.error_subcode = this.subcode;
    error.fbtrace_id = traceId();
    return { error };
  }
}

/** Webhook error item `{ code, title, message, error_data: { details }, href }`. */
export function webhookError(code: number, details?: string): Record<string, unknown> {
  const known = META_ERRORS[code];
  const title = known?.title ?? 'Unknown error';
  return {
    code,
    title,
    message: title,
    error_data: { details: details ?? known?.details ?? title },
    href: '/documentation/business-messaging/whatsapp/support/error-codes/',
  };
}

/**
 * `Unsupported get request. Object with ID 'x' does not exist…` as Graph words it: code 100,
 * subcode 33, `GraphMethodException`, no `(#100)` prefix and no `error_data`.
 */
export function unknownObject(id: string, method: string): GraphError {
  return new GraphError(100, {
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    subcode: 33,
    type: 'GraphMethodException',
    http: 400,
    prefix: false,
    errorData: false,
  });
}

/** `Unknown path components: /x` (code 2500), as Graph answers a path it has no edge for. */
export function unknownPath(url: string): GraphError {
  return new GraphError(2500, {
    message: `Unknown path components: ${url.split('?')[0]}`,
    http: 400,
    prefix: false,
    errorData: false,
  });
}

/** `(#100) Unexpected key "k" on param "p".`: Graph's schema check, without `error_data`. */
export function unexpectedKey(key: string, path: string): GraphError {
  return new GraphError(100, {
    message: `Unexpected key "${key}" on param "${path}".`,
    errorData: false,
  });
}

export function invalidParam(details: string, code = 100): GraphError {
  return new GraphError(code, { details });
}
