/**
 * Subscribe-message consents, as wx.requestSubscribeMessage reported them. Our table mirrors what
 * WeChat holds, so the notify job sends only what WeChat would take (and spends one-time consents
 * one per message); a 43101 from WeChat corrects the mirror (dispatch.ts).
 * Outcomes: the caller's consents after the change, and the template ids this deployment does not
 * use (ignored). accept → one-time: one more message allowed; long-term: allowed until withdrawn.
 * reject / ban → none left. filter (WeChat hid the prompt) → unchanged.
 */
import { eq, sql } from 'drizzle-orm';
import { NOTIFY_KINDS } from '../../shared/notices/rules';
import type { Deps } from '../_app/context';
import { subscribeConsents } from '../_db/schema';
import { audit } from '../_lib/audit';
import { templateById } from '../_wechat/subscribe-templates';

export type ConsentAnswer = 'accept' | 'reject' | 'ban' | 'filter';
export type ConsentView = { templateId: string; kind: 'one_time' | 'long_term'; remaining: number };

export function listTemplates(deps: Pick<Deps, 'config'>) {
  const templates = deps.config.wechat.subscribeTemplates;
  return NOTIFY_KINDS.flatMap((kind) => {
    const t = templates[kind];
    return t ? [{ kind, templateId: t.id, longTerm: t.longTerm }] : [];
  });
}

export async function listConsents(deps: Pick<Deps, 'db'>, userId: string): Promise<ConsentView[]> {
  const rows = await deps.db
    .select({
      templateId: subscribeConsents.templateId,
      kind: subscribeConsents.kind,
      remaining: subscribeConsents.remaining,
    })
    .from(subscribeConsents)
    .where(eq(subscribeConsents.userId, userId))
    .orderBy(subscribeConsents.templateId);
  return rows;
}

export async function recordConsents(
  deps: Pick<Deps, 'db' | 'config'>,
  p: { userId: string; requestId: string; results: Record<string, ConsentAnswer> },
): Promise<{ consents: ConsentView[]; ignored: string[] }> {
  const templates = deps.config.wechat.subscribeTemplates;
  const ignored: string[] = [];
  await deps.db.transaction(async (tx) => {
    const recorded: Record<string, ConsentAnswer> = {};
    for (const [templateId, answer] of Object.entries(p.results)) {
      const known = templateById(templates, templateId);
      if (!known) {
        ignored.push(templateId);
        continue;
      }
      recorded[templateId] = answer;
      if (answer === 'filter') continue;
      if (answer === 'accept') {
        const kind = known.template.longTerm ? 'long_term' : 'one_time';
        await tx.execute(sql`
          insert into subscribe_consents (user_id, template_id, kind, remaining)
          values (${p.userId}, ${templateId}, ${kind}, ${kind === 'one_time' ? 1 : 0})
          on conflict (user_id, template_id) do update set
            kind = excluded.kind,
            remaining = case when excluded.kind = 'one_time' and subscribe_consents.kind = 'one_time'
              then subscribe_consents.remaining + 1 else excluded.remaining end,
            updated_at = now()`);
      } else {
        await tx.execute(sql`
          update subscribe_consents set kind = 'one_time', remaining = 0, updated_at = now()
          where user_id = ${p.userId} and template_id = ${templateId}`);
      }
    }
    if (Object.keys(recorded).length) {
      await audit(tx, {
        actorUserId: p.userId,
        action: 'notify.consent',
        targetType: 'user',
        targetId: p.userId,
        requestId: p.requestId,
        details: { results: recorded },
      });
    }
  });
  return { consents: await listConsents(deps, p.userId), ignored };
}
