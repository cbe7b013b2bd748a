/** Login operations: find or create the user, open a session, hand back our own token. */
import { and, eq, isNull } from 'drizzle-orm';
import type { TLoginResult } from '../../shared/schemas/auth';
import type { Deps } from '../_app/context';
import { sessions, users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { getMe } from '../_me/get-me';
import { signToken } from './tokens';

async function openSession(
  deps: Deps,
  userId: string,
  requestId: string,
  method: string,
): Promise<Outcome<TLoginResult>> {
  const sessionId = crypto.randomUUID();
  const expiresAt = new Date(Date.now() + deps.config.sessionTtlS * 1000);
  await deps.db.transaction(async (tx) => {
    await tx.insert(sessions).values({ id: sessionId, userId, expiresAt });
    await audit(tx, {
      actorUserId: userId,
      action: 'auth.login',
      targetType: 'user',
      targetId: userId,
      requestId,
      details: { method },
    });
  });
  const me = await getMe(deps.db, userId);
  if (!me) return Err('TOKEN_INVALID');
  const token = await signToken(deps.config.sessionSecret, userId, sessionId, expiresAt);
  return Ok({ token, expiresAt: expiresAt.toISOString(), user: me });
}

/** POST /auth/wechat — session_key stays inside this function: it is neither stored nor returned. */
export async function loginWithWechat(
  deps: Deps,
  code: string,
  requestId: string,
): Promise<Outcome<TLoginResult>> {
  const session = await deps.wechat.code2Session(code);
  if (!session.ok) return session;
  const { openid, unionid } = session.value;
  const [user] = await deps.db
    .insert(users)
    .values({ openid, unionid, displayName: '微信用户' })
    .onConflictDoUpdate({ target: users.openid, set: { unionid: unionid ?? null } })
    .returning({ id: users.id });
  return openSession(deps, user!.id, requestId, 'wechat');
}

export async function loginAsDemoUser(
  deps: Deps,
  userId: string,
  requestId: string,
): Promise<Outcome<TLoginResult>> {
  if (!deps.config.devLogin) return Err('DEV_LOGIN_DISABLED');
  const [user] = await deps.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.isDemo, true)))
    .limit(1);
  if (!user) return Err('NOT_FOUND');
  return openSession(deps, user.id, requestId, 'dev');
}

export async function logout(deps: Deps, sessionId: string, userId: string, requestId: string) {
  await deps.db.transaction(async (tx) => {
    await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
    await audit(tx, {
      actorUserId: userId,
      action: 'auth.logout',
      targetType: 'user',
      targetId: userId,
      requestId,
    });
  });
  return Ok({ ok: true as const });
}
