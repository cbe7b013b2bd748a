import type { Config } from '../_lib/config';
import type { Logger } from '../_lib/log';
import type { Database, Db } from '../_db/client';
import type { RedisPort } from '../_redis';
import type { SpeechProvider } from '../_speech/port';
import type { StoragePort } from '../_storage';
import type { WechatClient } from '../_wechat/client';
import type { Role } from '../../shared/roles';

/** Everything a request may use; built once per process (per warm Vercel instance). */
export type Deps = {
  config: Config;
  database: Database;
  db: Db;
  redis: RedisPort;
  wechat: WechatClient;
  storage: StoragePort;
  /** Server speech engine; undefined when SPEECH_PROVIDER=off. */
  speech: SpeechProvider | undefined;
  log: Logger;
};

export type AuthMembership = {
  id: string;
  role: Role;
  villageId: string | null;
  townId: string | null;
  countyId: string | null;
  gridId: string | null;
};

export type Auth = {
  userId: string;
  sessionId: string;
  displayName: string;
  memberships: AuthMembership[];
};

export type AppEnv = {
  Variables: {
    requestId: string;
    log: Logger;
    deps: Deps;
    auth: Auth;
    /**
     * Routes behind requireAuthLimited: resolves once the caller's rate limit has allowed this
     * request, or throws RATE_LIMITED (429). The route calls it before it writes anything.
     */
    admit: () => Promise<void>;
    /** Work a route started before the session was checked (requireAuthLimited's `early`). */
    early: Promise<unknown>;
  };
};
