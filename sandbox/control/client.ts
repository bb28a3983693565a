import type { ChatMessage, CustomerState, NumberState, PhoneContact, TemplateState } from '../world/types.ts';

type Obj = Record<string, unknown>;

/** A message as a customer or the owner sends it: `{ type: 'text', text: { body } }`, `{ type: 'image', image: { caption } }` … */
export interface SimMessage {
  type?: string;
  [key: string]: unknown;
}

export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`sandbox control call failed with HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

/** Typed client of the control API (`/_sandbox/…`); works against any running sandbox. */
export class SandboxControl {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : null;
    if (!res.ok) throw new SandboxControlError(res.status, parsed);
    return parsed as T;
  }

  state(): Promise<Obj> {
    return this.call('GET', '/_sandbox/state');
  }
  setCallback(url: string, verifyToken?: string): Promise<{ url: string; verified: boolean }> {
    return this.call('POST', '/_sandbox/callback', { url, verifyToken });
  }
  addCustomer(c: {
    waId: string;
    name?: string;
    bsuid?: string;
    parentBsuid?: string;
    username?: string;
    phoneHidden?: boolean;
    onWhatsApp?: boolean;
    autoRead?: boolean;
  }): Promise<CustomerState> {
    return this.call('POST', '/_sandbox/customers', c);
  }
  customers(): Promise<{ data: CustomerState[] }> {
    return this.call('GET', '/_sandbox/customers');
  }

  /** A customer sends any inbound type (add `referral` for a Click-to-WhatsApp start, `context` to reply). */
  customerSends(
    waId: string,
    message: SimMessage,
    o: { phoneNumberId?: string; name?: string } = {},
  ): Promise<{ id: string; message: ChatMessage }> {
    return this.call('POST', `/_sandbox/customers/${encodeURIComponent(waId)}/messages`, {
      ...o,
      ...message,
    });
  }
  customerText(
    waId: string,
    body: string,
    o: { phoneNumberId?: string; name?: string } = {},
  ): Promise<{ id: string; message: ChatMessage }> {
    return this.customerSends(waId, { type: 'text', text: { body } }, o);
  }
  /** The customer reads the business's messages (all, or up to `messageId`). */
  customerReads(
    waId: string,
    o: { phoneNumberId?: string; messageId?: string } = {},
  ): Promise<{ read: number }> {
    return this.call('POST', `/_sandbox/customers/${encodeURIComponent(waId)}/read`, o);
  }
  /** The customer plays a voice message sent through the API (→ `read` if needed, then `played`). */
  customerPlays(waId: string, messageId: string): Promise<{ played: boolean }> {
    return this.call('POST', `/_sandbox/customers/${encodeURIComponent(waId)}/play`, { messageId });
  }
  /** The customer stops (default) or resumes marketing messages. */
  setMarketing(
    waId: string,
    stop = true,
    phoneNumberId?: string,
  ): Promise<{ waId: string; marketingStopped: boolean }> {
    return this.call('POST', `/_sandbox/customers/${encodeURIComponent(waId)}/marketing`, {
      stop,
      phoneNumberId,
    });
  }

  /** The owner sends from the WhatsApp Business app (→ smb_message_echoes). */
  ownerSends(
    phoneNumberId: string,
    to: string,
    message: SimMessage,
  ): Promise<{ id: string; message: ChatMessage }> {
    return this.call('POST', `/_sandbox/phone/${phoneNumberId}/messages`, { to, ...message });
  }
  ownerText(phoneNumberId: string, to: string, body: string): Promise<{ id: string; message: ChatMessage }> {
    return this.ownerSends(phoneNumberId, to, { type: 'text', text: { body } });
  }
  openApp(phoneNumberId: string): Promise<{ lastAppOpenAt: number }> {
    return this.call('POST', `/_sandbox/phone/${phoneNumberId}/open`, {});
  }
  upsertContact(
    phoneNumberId: string,
    c: { phoneNumber: string; fullName: string; firstName?: string },
  ): Promise<PhoneContact> {
    return this.call('POST', `/_sandbox/phone/${phoneNumberId}/contacts`, c);
  }
  removeContact(phoneNumberId: string, phoneNumber: string): Promise<{ removed: string }> {
    return this.call(
      'DELETE',
      `/_sandbox/phone/${phoneNumberId}/contacts/${encodeURIComponent(phoneNumber)}`,
    );
  }
  setHistorySharing(phoneNumberId: string, accept: boolean): Promise<{ historySharing: string }> {
    return this.call('POST', `/_sandbox/phone/${phoneNumberId}/history-sharing`, { accept });
  }
  /** Sets the `quality_rating` Graph reports for the number. */
  setQuality(
    phoneNumberId: string,
    rating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN',
  ): Promise<{ qualityRating: string }> {
    return this.call('POST', `/_sandbox/phone/${phoneNumberId}/quality`, { rating });
  }
  offboard(phoneNumberId: string): Promise<NumberState> {
    return this.call('POST', `/_sandbox/phone/${phoneNumberId}/offboard`, {});
  }
  reconnect(phoneNumberId: string): Promise<NumberState> {
    return this.call('POST', `/_sandbox/phone/${phoneNumberId}/reconnect`, {});
  }
  disconnect(
    phoneNumberId: string,
    reason = 'ACCOUNT_DISCONNECTED',
    initiatedBy: 'USER' | 'SYSTEM' = 'USER',
  ): Promise<NumberState> {
    return this.call('POST', `/_sandbox/phone/${phoneNumberId}/disconnect`, { reason, initiatedBy });
  }

  chats(): Promise<{ data: Obj[] }> {
    return this.call('GET', '/_sandbox/chats');
  }
  chat(phoneNumberId: string, waId: string): Promise<{ data: ChatMessage[]; typing: boolean }> {
    return this.call('GET', `/_sandbox/chats/${phoneNumberId}/${encodeURIComponent(waId)}`);
  }
  message(id: string): Promise<ChatMessage> {
    return this.call('GET', `/_sandbox/messages/${encodeURIComponent(id)}`);
  }
  /** Graph API requests the sandbox received (what the hub sent). */
  requests(since = 0): Promise<{ data: Obj[] }> {
    return this.call('GET', `/_sandbox/requests?since=${since}`);
  }
  /** Webhook POST attempts the sandbox made (body, status, attempt). */
  webhooks(since = 0): Promise<{ data: Obj[] }> {
    return this.call('GET', `/_sandbox/webhooks?since=${since}`);
  }
  templates(): Promise<{ data: TemplateState[] }> {
    return this.call('GET', '/_sandbox/templates');
  }
  setTemplateStatus(templateId: string, status: string, reason?: string): Promise<TemplateState> {
    return this.call('POST', `/_sandbox/templates/${templateId}/status`, { status, reason });
  }
  /** Runtime switches: rateLimits, statusDelays, deliveryErrors, faults { duplicateRate, reorder, delayMs, paused }. */
  configure(patch: Obj): Promise<Obj> {
    return this.call('PATCH', '/_sandbox/config', patch);
  }
  advance(ms: number): Promise<{ now: number }> {
    return this.call('POST', '/_sandbox/clock/advance', { ms });
  }
  /** Waits until no webhook is queued or in flight. */
  flush(): Promise<Obj> {
    return this.call('POST', '/_sandbox/flush', {});
  }
  startTraffic(o: Obj): Promise<Obj> {
    return this.call('POST', '/_sandbox/traffic', o);
  }
  stopTraffic(): Promise<Obj> {
    return this.call('DELETE', '/_sandbox/traffic');
  }
  runScenario(scenario: Obj | string): Promise<Obj> {
    return this.call(
      'POST',
      '/_sandbox/scenario',
      typeof scenario === 'string' ? { yaml: scenario } : scenario,
    );
  }
}
