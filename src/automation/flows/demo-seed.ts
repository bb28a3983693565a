import type { AppDeps } from '../../app-deps.ts';
import { withEvents } from '../../platform/events/with-events.ts';
import { newId } from '../../platform/ids.ts';
import { createKbEntry } from '../knowledge/knowledge.repository.ts';
import { createFlow } from './flow-actions.ts';
import type { FlowDefinition } from './flow-definition.ts';

/**
 * What `npm start` (and `coexist start --no-traffic`) shows of automation: a "Sales" team, FAQ
 * entries in English, Spanish and Portuguese, and the demo number's welcome flow (a menu of
 * buttons: opening hours, talk to sales, where is my order; FAQ answers; a lead capture of name and
 * email handed off to Sales). One demo customer is marked VIP and left to the owner. Idempotent: a
 * hub that already has a welcome flow for the number is left as it is.
 */

const text = (body: string) => ({ type: 'text' as const, text: { body } });

export function welcomeFlowDefinition(salesTeamId: string | null): FlowDefinition {
  return {
    start: 'menu',
    steps: [
      {
        id: 'menu',
        type: 'ask',
        attribute: 'menu_choice',
        validation: 'choice',
        prompt: {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'Hi {{contact.name}}! 👋 Welcome to Coexist Café. How can we help?' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'hours', title: 'Opening hours' } },
                { type: 'reply', reply: { id: 'sales', title: 'Talk to sales' } },
                { type: 'reply', reply: { id: 'order', title: 'Where is my order' } },
              ],
            },
          },
        },
        retry_prompt: 'Please tap one of the buttons (or answer 1, 2 or 3).',
        max_retries: 1,
        on_invalid: 'ask_faq',
        next: 'route',
        position: { x: 0, y: 0 },
      },
      {
        id: 'route',
        type: 'branch',
        source: 'answer',
        cases: [
          { op: 'equals', value: 'hours', next: 'hours' },
          { op: 'equals', value: 'order', next: 'order' },
        ],
        default: 'name',
        position: { x: 0, y: 160 },
      },
      {
        id: 'hours',
        type: 'faq',
        query: 'text',
        text: 'opening hours',
        prefix: '',
        found: 'anything_else',
        not_found: 'name',
        position: { x: -320, y: 320 },
      },
      {
        id: 'order',
        type: 'faq',
        query: 'text',
        text: 'where is my order',
        prefix: '',
        found: 'anything_else',
        not_found: 'name',
        position: { x: -80, y: 320 },
      },
      {
        id: 'anything_else',
        type: 'message',
        content: text('Anything else? Just write to us and a person will answer.'),
        position: { x: -200, y: 480 },
      },
      {
        id: 'ask_faq',
        type: 'faq',
        query: 'message',
        prefix: '',
        found: null,
        not_found: 'name',
        position: { x: 320, y: 160 },
      },
      {
        id: 'name',
        type: 'ask',
        prompt: text('Happy to help! What is your name?'),
        attribute: 'name',
        validation: 'text',
        retry_prompt: 'Sorry, what is your name?',
        max_retries: 2,
        next: 'email',
        position: { x: 200, y: 320 },
      },
      {
        id: 'email',
        type: 'ask',
        prompt: text('Thanks {{attributes.name}}! And your email?'),
        attribute: 'email',
        validation: 'email',
        retry_prompt: "That doesn't look like an email address (like ana@example.com).",
        max_retries: 2,
        next: 'handoff',
        position: { x: 200, y: 480 },
      },
      {
        id: 'handoff',
        type: 'handoff',
        team_id: salesTeamId,
        message: 'Thank you! Someone from our sales team will write to you here shortly.',
        note: 'Lead captured by the welcome flow.',
        position: { x: 200, y: 640 },
      },
    ],
  };
}

const FAQS = [
  {
    question: 'What are your opening hours?',
    answer: 'We are open Monday to Friday, 9:00–18:00, and Saturday 10:00–14:00.',
    keywords: 'hours open opening close',
    language: 'en',
  },
  {
    question: 'Where is my order?',
    answer:
      'You can follow your order with the tracking link in your confirmation email. Orders ship within 2 working days.',
    keywords: 'order tracking shipping delivery package',
    language: 'en',
  },
  {
    question: '¿Cuál es el horario de atención?',
    answer: 'Abrimos de lunes a viernes de 9:00 a 18:00 y los sábados de 10:00 a 14:00.',
    keywords: 'horario abren cierran',
    language: 'es',
  },
  {
    question: '¿Dónde está mi pedido?',
    answer: 'Puedes seguir tu pedido con el enlace del correo de confirmación. Enviamos en 2 días hábiles.',
    keywords: 'pedido envío seguimiento paquete',
    language: 'es',
  },
  {
    question: 'Qual é o horário de funcionamento?',
    answer: 'Abrimos de segunda a sexta, das 9h às 18h, e aos sábados das 10h às 14h.',
    keywords: 'horário abrem fecham',
    language: 'pt',
  },
  {
    question: 'Onde está meu pedido?',
    answer:
      'Você pode acompanhar seu pedido pelo link do e-mail de confirmação. Enviamos em até 2 dias úteis.',
    keywords: 'pedido entrega rastreio encomenda',
    language: 'pt',
  },
];

export async function seedAutomationDemo(
  deps: AppDeps,
  input: { phoneNumberId: string; wabaId: string },
): Promise<{ seeded: boolean }> {
  const db = deps.database.db;
  const existing = await db
    .selectFrom('flows')
    .select('id')
    .where('is_welcome', '=', 1)
    .where('phone_number_id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (existing) return { seeded: false };
  const now = deps.clock.now();
  let sales = await db.selectFrom('teams').select('id').where('name', '=', 'Sales').executeTakeFirst();
  await withEvents(deps, async (trx) => {
    if (!sales) {
      sales = { id: newId() };
      await trx
        .insertInto('teams')
        .values({ id: sales.id, name: 'Sales', waba_id: input.wabaId, created_at: now, updated_at: now })
        .execute();
    }
    for (const faq of FAQS) await createKbEntry(trx, { ...faq, phone_number_id: input.phoneNumberId, now });
    await createFlow(deps, trx, {
      name: 'Welcome',
      description: 'Greets every new customer: a menu, FAQ answers, and a lead capture handed off to Sales.',
      phone_number_id: input.phoneNumberId,
      is_welcome: true,
      enabled: true,
      definition: welcomeFlowDefinition(sales.id),
      actor: { kind: 'system', id: 'demo' },
      userId: null,
    });
  });
  return { seeded: true };
}

/**
 * Marks one demo customer VIP (the first one in the owner's address book, by name), once the
 * contact sync has brought them in. Returns the contact id, or null when there is none yet.
 */
export async function markDemoVip(deps: AppDeps, input: { phoneNumberId: string }): Promise<string | null> {
  const db = deps.database.db;
  const already = await db
    .selectFrom('vip_contacts')
    .innerJoin('contacts', 'contacts.id', 'vip_contacts.contact_id')
    .select('contacts.id')
    .where('contacts.phone_number_id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (already) return already.id;
  const contact = await db
    .selectFrom('contacts')
    .select('id')
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('address_book_name', 'is not', null)
    .orderBy('address_book_name')
    .limit(1)
    .executeTakeFirst();
  if (!contact) return null;
  await db
    .insertInto('vip_contacts')
    .values({
      contact_id: contact.id,
      note: 'Demo VIP: left to the owner on the phone.',
      created_by: null,
      created_at: deps.clock.now(),
    })
    .onConflict((oc) => oc.column('contact_id').doNothing())
    .execute();
  return contact.id;
}
