/**
 * `--history N`: a database that has been in use for a year before the bench starts: N
 * earlier inbound messages (half of them reports that opened a case, since closed), each case
 * with its reporter, its events and its sent messages. Statements that scan a table instead of
 * using an index get slower with the years; this makes them show in the bench.
 */
import type { Sql } from 'postgres';

export async function fillHistory(sql: Sql, messages: number): Promise<void> {
  if (messages <= 0) return;
  await sql.begin(async (tx) => {
    await tx`
      with p as (select array_agg(id order by id) a from people),
           c as (select array_agg(id order by id) a, array_agg(node_id order by id) n from chats where kind = 'group' and node_id is not null)
      insert into inbound_messages (channel, platform_chat_id, platform_message_id, chat_id, chat_kind, sender_platform_id, sender_name, person_id,
                                    text, sent_at, received_at, status, outcome, processed_at, attachments)
      select 'history', 'h' || (g % 50), 'm' || g, c.a[1 + g % cardinality(c.a)], 'group', 'u' || (g % 997), '', p.a[1 + g % cardinality(p.a)],
             '历史消息 ' || g, t, t, 'processed',
             case when g % 2 = 0 then 'case_opened' when g % 17 = 0 then 'media_only' else 'chatter' end, t,
             case when g % 17 = 0 then '{"photos":[{"id":"x"}]}'::jsonb else '{}'::jsonb end
      from generate_series(1, ${messages}::int) g, p, c,
           lateral (select now() - interval '400 days' + g * (interval '365 days' / ${messages}::int)) s(t)`;
    await tx`
      insert into cases (type, level, status, summary, description, inbound_message_id, reporter_person_id, chat_id, node_id,
                         created_at, updated_at, dispatched_at, announced_at, closed_at, handler_person_id)
      select 'other', 'routine', 'closed', i.text, i.text, i.id, i.person_id, i.chat_id, ch.node_id,
             i.received_at, i.received_at + interval '2 days', i.received_at, i.received_at, i.received_at + interval '2 days',
             (select person_id from role_assignments r where r.node_id = ch.node_id order by person_id limit 1)
      from inbound_messages i join chats ch on ch.id = i.chat_id
      where i.channel = 'history' and i.outcome = 'case_opened'`;
    await tx`update inbound_messages i set case_id = c.id from cases c where c.inbound_message_id = i.id and i.channel = 'history'`;
    await tx`
      insert into case_reporters (case_id, person_id, chat_id, inbound_message_id, created_at)
      select id, reporter_person_id, chat_id, inbound_message_id, created_at from cases where status = 'closed' and inbound_message_id is not null
      on conflict do nothing`;
    await tx`
      insert into case_events (case_id, actor_person_id, actor_kind, action, from_status, to_status, at)
      select id, reporter_person_id, 'person', 'report', null::case_status, 'reported'::case_status, created_at from cases where status = 'closed'
      union all
      select id, null, 'system', 'close', 'resolved'::case_status, 'closed'::case_status, closed_at from cases where status = 'closed'`;
    await tx`
      insert into outbound_messages (dedupe_key, channel, chat_id, platform_chat_id, payload, case_id, status, attempts, platform_message_id, created_at, sent_at)
      select 'history:' || k || ':' || c.id, 'history', c.chat_id, 'h', jsonb_build_object('text', '历史回复'), c.id, 'sent', 1, 'p' || c.id, c.created_at, c.created_at
      from cases c, (values ('receipt'), ('card'), ('closed')) v(k) where c.status = 'closed'`;
  });
  await sql`analyze`;
}
