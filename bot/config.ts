/**
 * The service's configuration, parsed and validated from the environment. Nothing else
 * in the project reads `process.env`.
 */
import * as path from 'path';
import { projectRoot } from '../knowledge/paths';
import { weeklyHours, WeeklyHours } from '../knowledge/schema';
import type { AgentAccount } from './console/accounts';

/** How the bot authenticates with the Bot Framework (same names as Azure Bot Service). */
export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

/** The validated configuration. */
export interface Config {
  /** `NODE_ENV=production`: the service refuses to start without a MicrosoftAppId (no open `/api/messages`). */
  production: boolean;
  /** Origins, besides the service's own, allowed to frame the public pages (`/`, `/indicateurs`, `/confidentialite`). */
  frameAncestors: string[];
  port: number;
  host: string;
  microsoftAppId: string;
  microsoftAppPassword: string;
  microsoftAppType: AppType;
  microsoftAppTenantId: string;
  /** Folder holding the SQLite database and other local data. */
  dataDir: string;
  /** PostgreSQL (several instances); empty means SQLite files in `dataDir`. */
  databaseUrl: string;
  /** Connections per instance to PostgreSQL. */
  databasePoolSize: number;
  /** Knowledge content folder. */
  contentDir: string;
  /** Reload the knowledge base when its files change. */
  watchContent: boolean;
  /** Messages longer than this are not searched; the person is asked to shorten. */
  maxMessageChars: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Abuse limits on `/api/messages`, the Bot Connector calls and the Direct Line streams. */
  limits: {
    /** Activities a minute per conversation on `/api/messages`. */
    messagesPerMinute: number;
    /** Activities a minute per client address on `/api/messages` when it is unauthenticated (no MicrosoftAppId). */
    messagesPerMinutePerIp: number;
    /** Turns of one conversation waiting or running at once; more are refused with 429. */
    turnsPerConversation: number;
    /** Seconds before a call to the Bot Connector (a reply, a card) is abandoned. */
    connectorTimeoutSeconds: number;
    /** WebSocket streams one conversation may hold at once. */
    socketsPerConversation: number;
    /** WebSocket streams in all, on this instance. */
    socketsTotal: number;
    /** Seconds between keep-alive pings; a stream that answered no ping in two intervals is closed. */
    socketPingSeconds: number;
    /** Bytes waiting to be sent to one stream beyond which the slow client is disconnected. */
    socketMaxBufferedBytes: number;
    /** Requests a minute per client address on the public read routes (indicators, transcripts, pages). */
    publicPerMinute: number;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Reverse proxies in front of the service whose X-Forwarded-For is trusted (0: none). */
  trustProxy: number;
  /** Bearer token required on `/metrics`; empty leaves it open (keep it on a private network). */
  metricsToken: string;
  /** Seconds a shutdown waits for turns in flight before closing. */
  shutdownGraceSeconds: number;
  indicators: {
    /** An unanswered question is published only when asked at least this many times. */
    minCount: number;
    /** How many procedures and unanswered questions each period lists. */
    top: number;
  };
  /** How long conversations' texts are kept (see bot/retention.ts). */
  retention: {
    /** Days after which transcripts, idle state, closed handoffs' texts and unanswered questions' texts are deleted. */
    transcriptDays: number;
    /** Minutes between two runs of the deleting job (it also runs at start). */
    sweepMinutes: number;
  };
  /** Offer official service-public.fr fiches when the base has no confident answer. */
  longTail: boolean;
  /**
   * Whether messages are ranked on a thread of their own (`bot/search-thread.ts`), with the
   * main thread ranking in place whenever that thread is not ready (SEARCH_THREAD, default true).
   */
  searchThread: boolean;
  console: {
    /** Local agent accounts (embedded default, outside Teams). */
    accounts: AgentAccount[];
    sessionHours: number;
    /** The Entra ID app role an agent signing in from Teams must hold. */
    entraRole: string;
  };
  editor: {
    /** Local editor accounts (embedded default, outside Teams). */
    accounts: AgentAccount[];
    /** The Entra ID app role an editor signing in from Teams must hold. */
    entraRole: string;
    /** Entries reviewed longer ago than this are flagged for review. */
    reviewMaxDays: number;
    /** Seconds between checks for a revision published by another instance. */
    syncSeconds: number;
    /** Folder of the evaluation sets the regression check runs. */
    evalDir: string;
  };
  teams: {
    /** Entra ID tenant whose agents may act; defaults to MicrosoftAppTenantId. */
    tenantId: string;
    /** The agents' team; empty accepts the team the bot is installed in. */
    teamId: string;
    /** The channel where requests are posted; empty means the team's General channel. */
    channelId: string;
  };
  handoff: {
    /** When agents answer; undefined means the opening hours of the préfecture's main site. */
    hours?: WeeklyHours;
    /** Estimated wait per person ahead when no recent wait is known, in minutes. */
    defaultWaitMinutes: number;
    /** Minutes a request may wait before the person is told and offered the message form. */
    timeoutMinutes: number;
    /** Minutes an agent may leave the person unanswered before the request goes back to the queue. */
    agentInactivityMinutes: number;
  };
  directLine: {
    /** `local`: this service is the Direct Line channel; `azure`: the page uses Azure's. */
    mode: 'local' | 'azure';
    /** The Direct Line secret; empty means generate one and keep it in the data folder. */
    secret: string;
    tokenTtlSeconds: number;
    azureDomain: string;
    /** Public base URL of the service (for stream URLs behind a proxy); empty means from the request. */
    publicUrl: string;
    /** New conversations a minute per IP address on the page's token route. */
    tokensPerMinute: number;
    /** Activities (posts and polls) a minute per conversation. */
    activitiesPerMinute: number;
  };
}

/** Thrown when the environment holds an invalid setting; names the variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(name, `must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const found = values.find((v) => v.toLowerCase() === raw.toLowerCase());
  if (!found) throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
  return found;
}

/** Parses and validates the configuration; throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const root = projectRoot();
  const appId = (env.MicrosoftAppId ?? '').trim();
  const appType = oneOf(env, 'MicrosoftAppType', ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const, 'MultiTenant');
  const tenant = (env.MicrosoftAppTenantId ?? '').trim();
  if (appType !== 'MultiTenant' && appId === '') throw new ConfigError('MicrosoftAppId', `is required when MicrosoftAppType is ${appType}`);
  if (appType === 'SingleTenant' && tenant === '') throw new ConfigError('MicrosoftAppTenantId', 'is required when MicrosoftAppType is SingleTenant');
  const password = env.MicrosoftAppPassword ?? '';
  if (appType === 'MultiTenant' && appId !== '' && password === '') throw new ConfigError('MicrosoftAppPassword', 'is required when MicrosoftAppId is set');
  const production = (env.NODE_ENV ?? '').trim().toLowerCase() === 'production';
  // In production /api/messages must never be open: without an app id the adapter accepts
  // unauthenticated activities (the Emulator's mode).
  if (production && appId === '') throw new ConfigError('MicrosoftAppId', 'is required when NODE_ENV is production (without it /api/messages accepts unauthenticated requests)');
  return {
    production,
    frameAncestors: frameAncestors(env),
    port: int(env, 'PORT', 3978, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    microsoftAppId: appId,
    microsoftAppPassword: password,
    microsoftAppType: appType,
    microsoftAppTenantId: tenant,
    dataDir: path.resolve(root, env.DATA_DIR?.trim() || 'data'),
    databaseUrl: databaseUrl(env),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    contentDir: path.resolve(root, env.KB_CONTENT_DIR?.trim() || path.join('knowledge', 'content')),
    watchContent: oneOf(env, 'KB_WATCH', ['true', 'false'] as const, 'true') === 'true',
    maxMessageChars: int(env, 'MAX_MESSAGE_CHARS', 2000, 100, 100000),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024),
    limits: {
      messagesPerMinute: int(env, 'MESSAGE_RATE_PER_MINUTE', 60, 1, 1000000),
      messagesPerMinutePerIp: int(env, 'MESSAGE_IP_RATE_PER_MINUTE', 600, 1, 10000000),
      turnsPerConversation: int(env, 'MAX_TURNS_PER_CONVERSATION', 8, 1, 1000),
      connectorTimeoutSeconds: int(env, 'CONNECTOR_TIMEOUT_SECONDS', 15, 1, 300),
      socketsPerConversation: int(env, 'WS_MAX_PER_CONVERSATION', 5, 1, 100),
      socketsTotal: int(env, 'WS_MAX_TOTAL', 5000, 1, 1000000),
      socketPingSeconds: int(env, 'WS_PING_SECONDS', 20, 1, 3600),
      socketMaxBufferedBytes: int(env, 'WS_MAX_BUFFERED_BYTES', 1024 * 1024, 16 * 1024, 256 * 1024 * 1024),
      publicPerMinute: int(env, 'PUBLIC_RATE_PER_MINUTE', 120, 1, 10000000),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    metricsToken: (env.METRICS_TOKEN ?? '').trim(),
    trustProxy: int(env, 'TRUST_PROXY', 0, 0, 10),
    shutdownGraceSeconds: int(env, 'SHUTDOWN_GRACE_SECONDS', 10, 0, 300),
    directLine: directLineConfig(env),
    indicators: { minCount: int(env, 'INDICATORS_MIN_COUNT', 3, 1, 1000), top: int(env, 'INDICATORS_TOP', 10, 1, 50) },
    // 30 days: long enough to resume a conversation, for an agent to read a transcript and the
    // person to download it (the link lasts 7 days), and for editors to review each month's
    // unanswered questions; short enough to keep little (CNIL: no longer than the purpose needs).
    retention: { transcriptDays: int(env, 'TRANSCRIPT_RETENTION_DAYS', 30, 1, 3650), sweepMinutes: int(env, 'RETENTION_SWEEP_MINUTES', 60, 1, 1440) },
    longTail: oneOf(env, 'LONG_TAIL', ['true', 'false'] as const, 'true') === 'true',
    searchThread: oneOf(env, 'SEARCH_THREAD', ['true', 'false'] as const, 'true') === 'true',
    console: {
      accounts: agentAccounts(env, 'AGENT_ACCOUNTS'),
      sessionHours: int(env, 'CONSOLE_SESSION_HOURS', 8, 1, 24),
      entraRole: appRole(env, 'CONSOLE_ENTRA_ROLE', 'Handoff.Agent'),
    },
    editor: {
      accounts: agentAccounts(env, 'EDITOR_ACCOUNTS'),
      entraRole: appRole(env, 'EDITOR_ENTRA_ROLE', 'Knowledge.Editor'),
      reviewMaxDays: int(env, 'KB_REVIEW_MAX_DAYS', 365, 1, 3650),
      syncSeconds: int(env, 'KB_SYNC_SECONDS', 2, 1, 300),
      evalDir: path.resolve(root, env.EVAL_DIR?.trim() || path.join('tests', 'eval')),
    },
    teams: {
      tenantId: (env.TEAMS_TENANT_ID ?? '').trim() || tenant,
      teamId: (env.TEAMS_TEAM_ID ?? '').trim(),
      channelId: (env.TEAMS_AGENTS_CHANNEL_ID ?? '').trim(),
    },
    handoff: {
      hours: agentHours(env),
      defaultWaitMinutes: int(env, 'HANDOFF_DEFAULT_WAIT_MINUTES', 5, 1, 240),
      timeoutMinutes: int(env, 'HANDOFF_TIMEOUT_MINUTES', 15, 1, 1440),
      agentInactivityMinutes: int(env, 'AGENT_INACTIVITY_MINUTES', 10, 1, 1440),
    },
  };
}

function agentAccounts(env: NodeJS.ProcessEnv, name: 'AGENT_ACCOUNTS' | 'EDITOR_ACCOUNTS'): AgentAccount[] {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, 'must be a JSON array of {"username","name","passwordHash"}');
  }
  if (!Array.isArray(parsed)) throw new ConfigError(name, 'must be a JSON array');
  return parsed.map((a: unknown, i) => {
    const o = a as Partial<AgentAccount>;
    if (typeof o.username !== 'string' || !/^[\w.-]{2,40}$/.test(o.username)) throw new ConfigError(name, `entry ${i}: username must be 2 to 40 letters, digits, dots or dashes`);
    if (typeof o.name !== 'string' || o.name.trim() === '') throw new ConfigError(name, `entry ${i}: name is required`);
    if (typeof o.passwordHash !== 'string' || !o.passwordHash.startsWith('scrypt$')) throw new ConfigError(name, `entry ${i}: passwordHash must come from npm run agent-hash`);
    return { username: o.username, name: o.name.trim(), passwordHash: o.passwordHash };
  });
}

/** An Entra ID app role value (letters, digits, dots, dashes, underscores). */
function appRole(env: NodeJS.ProcessEnv, name: 'CONSOLE_ENTRA_ROLE' | 'EDITOR_ENTRA_ROLE', fallback: string): string {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return fallback;
  if (!/^[\w.-]{1,120}$/.test(raw)) throw new ConfigError(name, `must be an app role value (letters, digits, dots, dashes), got "${raw}"`);
  return raw;
}

/** `FRAME_ANCESTORS`: https origins separated by spaces or commas (a leading `*.` allowed). */
function frameAncestors(env: NodeJS.ProcessEnv): string[] {
  const raw = (env.FRAME_ANCESTORS ?? '').trim();
  if (raw === '') return [];
  return raw.split(/[\s,]+/).filter(Boolean).map((origin) => {
    if (!/^https:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i.test(origin)) throw new ConfigError('FRAME_ANCESTORS', `must list https origins such as https://www.val-doise.gouv.fr, got "${origin}"`);
    return origin.toLowerCase();
  });
}

function databaseUrl(env: NodeJS.ProcessEnv): string {
  const raw = (env.DATABASE_URL ?? '').trim();
  if (raw === '') return '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'must be a URL such as postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new ConfigError('DATABASE_URL', `must start with postgres:// (got ${url.protocol}//)`);
  if (!url.hostname) throw new ConfigError('DATABASE_URL', 'names no host');
  return raw;
}

function agentHours(env: NodeJS.ProcessEnv): WeeklyHours | undefined {
  const raw = (env.AGENT_HOURS ?? '').trim();
  if (raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('AGENT_HOURS', 'must be JSON such as {"mon":["09:00-12:00","13:30-16:00"],...}');
  }
  const result = weeklyHours.safeParse(parsed);
  if (!result.success) throw new ConfigError('AGENT_HOURS', result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return result.data;
}

function directLineConfig(env: NodeJS.ProcessEnv): Config['directLine'] {
  const mode = oneOf(env, 'DIRECT_LINE_MODE', ['local', 'azure'] as const, 'local');
  const secret = (env.DIRECT_LINE_SECRET ?? '').trim();
  if (mode === 'azure' && secret === '') throw new ConfigError('DIRECT_LINE_SECRET', 'is required when DIRECT_LINE_MODE is azure (the Azure Direct Line secret)');
  if (secret !== '' && secret.length < 16) throw new ConfigError('DIRECT_LINE_SECRET', 'must be at least 16 characters');
  const publicUrl = (env.PUBLIC_URL ?? '').trim();
  if (publicUrl !== '' && !/^https?:\/\/[^\s/]+/.test(publicUrl)) throw new ConfigError('PUBLIC_URL', `must be an absolute http(s) URL, got "${publicUrl}"`);
  return {
    mode,
    secret,
    tokenTtlSeconds: int(env, 'DIRECT_LINE_TOKEN_TTL', 3600, 60, 86400),
    azureDomain: (env.AZURE_DIRECT_LINE_DOMAIN ?? '').trim() || 'https://directline.botframework.com/v3/directline',
    publicUrl,
    tokensPerMinute: int(env, 'TOKEN_RATE_PER_MINUTE', 20, 1, 100000),
    activitiesPerMinute: int(env, 'ACTIVITY_RATE_PER_MINUTE', 120, 1, 1000000),
  };
}
