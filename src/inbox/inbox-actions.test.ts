import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, seedInbox } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { findUser, principalForUser } from '../users/users.repository.ts';
import { createCannedReply, deleteCannedReply, updateCannedReply } from './canned-reply-actions.ts';
import { resolveConversation, takeOverConversation } from './conversation-actions.ts';
import { labelConversation, unlabelConversation } from './conversation-labels.ts';
import { createLabel, deleteLabel, updateLabel } from './label-actions.ts';
import { addNote } from './note-actions.ts';

/** The inbox use-cases called as a rule or a bot would call them: no HTTP in between. */
describe.each(testDialects)('inbox actions on %s', (dialect) => {
  let t: TestApp;
  let agent: Principal;
  let supervisor: Principal;
  let conversationId: string;

  const facts = async () =>
    (await t.db.selectFrom('domain_events').select(['fact', 'payload_json']).orderBy('id').execute()).map(
      (r) => ({ fact: r.fact, ...JSON.parse(r.payload_json) }),
    );
  const principalOf = async (role: 'agent' | 'supervisor') =>
    principalForUser(t.db, (await findUser(t.db, (await createTestUser(t.deps, { role })).id))!);

  beforeEach(async () => {
    t = await buildTestApp(dialect);
    conversationId = (await seedInbox(t.deps)).conversationA;
    agent = await principalOf('agent');
    supervisor = await principalOf('supervisor');
  });
  afterEach(async () => t.close());

  it('labels and unlabels, recording the new set of labels and who changed it', async () => {
    const vip = await createLabel(t.deps, { principal: agent, name: 'VIP' });
    const late = await createLabel(t.deps, { principal: agent, name: 'Late' });
    await labelConversation(t.deps, { principal: agent, conversationId, labelId: vip.id });
    const both = await labelConversation(t.deps, { principal: agent, conversationId, labelId: late.id });
    expect(both.labels.map((l: { name: string }) => l.name)).toEqual(['Late', 'VIP']);
    // Already there: nothing changes, nothing is recorded.
    await labelConversation(t.deps, { principal: agent, conversationId, labelId: late.id });
    const left = await unlabelConversation(t.deps, { principal: agent, conversationId, labelId: vip.id });
    expect(left.labels.map((l: { name: string }) => l.name)).toEqual(['Late']);
    await expect(
      unlabelConversation(t.deps, { principal: agent, conversationId, labelId: vip.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const actor = { kind: 'user', id: agent.id };
    expect((await facts()).filter((e) => e.fact === 'conversation.labels_changed')).toEqual([
      { fact: 'conversation.labels_changed', conversation_id: conversationId, labels: [vip.id], actor },
      {
        fact: 'conversation.labels_changed',
        conversation_id: conversationId,
        labels: [vip.id, late.id].sort(),
        actor,
      },
      { fact: 'conversation.labels_changed', conversation_id: conversationId, labels: [late.id], actor },
    ]);
  });

  it('label and canned reply changes say what happened and who did it', async () => {
    const label = await createLabel(t.deps, { principal: supervisor, name: 'VIP' });
    await updateLabel(t.deps, { principal: supervisor, labelId: label.id, color: '#ff0000' });
    await deleteLabel(t.deps, { principal: supervisor, labelId: label.id });
    const reply = await createCannedReply(t.deps, { principal: supervisor, shortcut: 'hi', text: 'Hello!' });
    await updateCannedReply(t.deps, { principal: supervisor, replyId: reply.id, text: 'Hello there!' });
    await deleteCannedReply(t.deps, { principal: supervisor, replyId: reply.id });
    const actor = { kind: 'user', id: supervisor.id };
    const changes = (await facts()).filter(
      (e) => e.fact === 'label.changed' || e.fact === 'canned_reply.changed',
    );
    expect(changes).toEqual([
      { fact: 'label.changed', label_id: label.id, action: 'created', actor },
      { fact: 'label.changed', label_id: label.id, action: 'updated', actor },
      { fact: 'label.changed', label_id: label.id, action: 'deleted', actor },
      { fact: 'canned_reply.changed', canned_reply_id: reply.id, action: 'created', actor },
      { fact: 'canned_reply.changed', canned_reply_id: reply.id, action: 'updated', actor },
      { fact: 'canned_reply.changed', canned_reply_id: reply.id, action: 'deleted', actor },
    ]);
  });

  it('writes a note and records it', async () => {
    const note = await addNote(t.deps, { principal: agent, conversationId, body: 'Called back, no answer.' });
    expect(note).toMatchObject({ body: 'Called back, no answer.', author: { id: agent.id } });
    const stored = await t.db.selectFrom('conversation_notes').selectAll().execute();
    expect(stored.map((n) => n.id)).toEqual([note.id]);
    expect((await facts()).filter((e) => e.fact === 'conversation.note_added')).toEqual([
      {
        fact: 'conversation.note_added',
        conversation_id: conversationId,
        note_id: note.id,
        actor: { kind: 'user', id: agent.id },
      },
    ]);
  });

  it('a take-over of a resolved conversation assigns it and reopens it, as two facts', async () => {
    await resolveConversation(t.deps, { principal: agent, conversationId });
    const taken = await takeOverConversation(t.deps, {
      principal: supervisor,
      conversationId,
      userId: supervisor.id,
    });
    expect(taken).toMatchObject({ status: 'open', assignee_user_id: supervisor.id });
    const actor = { kind: 'user', id: supervisor.id };
    expect((await facts()).map((e) => e.fact)).toEqual([
      'conversation.resolved',
      'conversation.assigned',
      'conversation.reopened',
    ]);
    expect((await facts())[1]).toEqual({
      fact: 'conversation.assigned',
      conversation_id: conversationId,
      from_user_id: null,
      to_user_id: supervisor.id,
      actor,
    });
  });
});
