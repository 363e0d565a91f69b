/**
 * Checks the shape of an incoming request body before it reaches the adapter, so that a
 * malformed or oversized activity gets a 400 with a clear message rather than a failure
 * deep inside (a stack overflow on a deeply nested value, a prototype key reaching a merge).
 */

/** A request problem: HTTP status, a stable code and a message for the caller. */
export interface RequestProblem {
  status: 400;
  code: string;
  message: string;
}

/** Structural limits of an activity (the body size itself is bounded by MAX_BODY_BYTES). */
export const ACTIVITY_LIMITS = {
  /** Deepest nesting of objects and arrays anywhere in the activity. */
  depth: 32,
  /** Objects, arrays and values in all. */
  nodes: 20000,
  /** Entries in `attachments`. */
  attachments: 20,
  /** Entries in `entities`. */
  entities: 50,
  /** Entries in `suggestedActions.actions`. */
  suggestedActions: 50,
  /** Entries in `membersAdded` / `membersRemoved`. */
  members: 100,
  /** Characters of an id (conversation, activity, user, channel). */
  idChars: 1024,
  /** Characters of the serviceUrl. */
  urlChars: 2048,
} as const;

/** Keys refused anywhere in a body: they reach object prototypes through careless merges. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (code: string, message: string): RequestProblem => ({ status: 400, code, message });

/**
 * Walks a parsed JSON value without recursion: too deep, too many nodes, or a prototype key
 * gives a problem.
 */
export function checkJsonShape(value: unknown, code = 'BadActivity'): RequestProblem | undefined {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let nodes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++nodes > ACTIVITY_LIMITS.nodes) return bad(code, `the body holds more than ${ACTIVITY_LIMITS.nodes} values`);
    if (typeof v !== 'object' || v === null) continue;
    if (depth > ACTIVITY_LIMITS.depth) return bad(code, `the body is nested deeper than ${ACTIVITY_LIMITS.depth} levels`);
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) return bad(code, `the key "${key}" is not allowed`);
      stack.push([(v as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}

/** The common checks of an activity's optional fields, for `/api/messages` and Direct Line. */
export function checkActivityFields(body: Record<string, unknown>, code = 'BadActivity'): RequestProblem | undefined {
  const shape = checkJsonShape(body, code);
  if (shape) return shape;
  for (const field of ['id', 'channelId', 'locale', 'name', 'textFormat', 'replyToId', 'inputHint', 'action']) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return bad(code, `activity.${field} must be a string`);
    if (v.length > ACTIVITY_LIMITS.idChars) return bad(code, `activity.${field} is longer than ${ACTIVITY_LIMITS.idChars} characters`);
  }
  if (body.text !== undefined && body.text !== null && typeof body.text !== 'string') return bad(code, 'activity.text must be a string');
  for (const field of ['from', 'recipient']) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    if (!isObject(v)) return bad(code, `activity.${field} must be an object`);
    if (v.id !== undefined && (typeof v.id !== 'string' || v.id.length > ACTIVITY_LIMITS.idChars)) return bad(code, `activity.${field}.id must be a string of at most ${ACTIVITY_LIMITS.idChars} characters`);
    if (v.name !== undefined && v.name !== null && typeof v.name !== 'string') return bad(code, `activity.${field}.name must be a string`);
  }
  const lists: Array<[string, unknown, number]> = [
    ['attachments', body.attachments, ACTIVITY_LIMITS.attachments],
    ['entities', body.entities, ACTIVITY_LIMITS.entities],
    ['membersAdded', body.membersAdded, ACTIVITY_LIMITS.members],
    ['membersRemoved', body.membersRemoved, ACTIVITY_LIMITS.members],
  ];
  for (const [name, v, max] of lists) {
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v)) return bad(code, `activity.${name} must be an array`);
    if (v.length > max) return bad(code, `activity.${name} holds more than ${max} entries`);
    if (!v.every(isObject)) return bad(code, `activity.${name} must hold objects`);
  }
  if (Array.isArray(body.attachments) && !body.attachments.every((a) => typeof (a as Record<string, unknown>).contentType === 'string')) {
    return bad(code, 'every attachment needs a contentType string');
  }
  if (body.suggestedActions !== undefined && body.suggestedActions !== null) {
    const s = body.suggestedActions;
    if (!isObject(s) || (s.actions !== undefined && !Array.isArray(s.actions))) return bad(code, 'activity.suggestedActions must be an object with an actions array');
    if (Array.isArray(s.actions) && s.actions.length > ACTIVITY_LIMITS.suggestedActions) return bad(code, `activity.suggestedActions holds more than ${ACTIVITY_LIMITS.suggestedActions} actions`);
  }
  if (body.channelData !== undefined && body.channelData !== null && !isObject(body.channelData)) return bad(code, 'activity.channelData must be an object');
  return undefined;
}

/** Undefined when the body is an activity the adapter can process; the problem otherwise. */
export function checkActivityBody(body: unknown): RequestProblem | undefined {
  if (!isObject(body)) return bad('BadActivity', 'the body must be a JSON activity object');
  if (typeof body.type !== 'string' || body.type.trim() === '' || body.type.length > 64) return bad('BadActivity', 'activity.type must be a non-empty string');
  if (!isObject(body.conversation) || typeof body.conversation.id !== 'string' || body.conversation.id === '') {
    return bad('BadActivity', 'activity.conversation.id must be a non-empty string');
  }
  if (body.conversation.id.length > ACTIVITY_LIMITS.idChars) return bad('BadActivity', `activity.conversation.id is longer than ${ACTIVITY_LIMITS.idChars} characters`);
  if (typeof body.serviceUrl !== 'string') return bad('BadActivity', 'activity.serviceUrl must be a string');
  if (body.serviceUrl.length > ACTIVITY_LIMITS.urlChars) return bad('BadActivity', `activity.serviceUrl is longer than ${ACTIVITY_LIMITS.urlChars} characters`);
  let url: URL;
  try {
    url = new URL(body.serviceUrl);
  } catch {
    return bad('BadActivity', 'activity.serviceUrl must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('BadActivity', 'activity.serviceUrl must use http or https');
  return checkActivityFields(body);
}
