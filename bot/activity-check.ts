/**
 * Checks the shape of an incoming request body before it reaches the adapter, so that a
 * malformed activity gets a 400 with a clear message rather than a failure deep inside.
 */

/** A request problem: HTTP status, a stable code and a message for the caller. */
export interface RequestProblem {
  status: 400;
  code: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Undefined when the body is an activity the adapter can process; the problem otherwise. */
export function checkActivityBody(body: unknown): RequestProblem | undefined {
  const bad = (code: string, message: string): RequestProblem => ({ status: 400, code, message });
  if (!isObject(body)) return bad('BadActivity', 'the body must be a JSON activity object');
  if (typeof body.type !== 'string' || body.type.trim() === '') return bad('BadActivity', 'activity.type must be a non-empty string');
  if (!isObject(body.conversation) || typeof body.conversation.id !== 'string' || body.conversation.id === '') {
    return bad('BadActivity', 'activity.conversation.id must be a non-empty string');
  }
  if (typeof body.serviceUrl !== 'string') return bad('BadActivity', 'activity.serviceUrl must be a string');
  let url: URL;
  try {
    url = new URL(body.serviceUrl);
  } catch {
    return bad('BadActivity', 'activity.serviceUrl must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('BadActivity', 'activity.serviceUrl must use http or https');
  if (body.text !== undefined && typeof body.text !== 'string') return bad('BadActivity', 'activity.text must be a string');
  if (body.from !== undefined && !isObject(body.from)) return bad('BadActivity', 'activity.from must be an object');
  if (body.attachments !== undefined && !Array.isArray(body.attachments)) return bad('BadActivity', 'activity.attachments must be an array');
  if (body.membersAdded !== undefined && !Array.isArray(body.membersAdded)) return bad('BadActivity', 'activity.membersAdded must be an array');
  return undefined;
}
