/**
 * restify's own refusals (unparseable JSON, a body over the limit, an unknown route, a wrong
 * method or content type) in the service's error shape, `{error: {code, message}}`, with a
 * short message of our own: never the parser's text, the multipart parser's state or the
 * requested path echoed back. The operator's log line keeps the details.
 */

/** The restify error fields this file reads and sets. */
export interface RestifyErrorLike extends Error {
  statusCode?: number;
  body?: { code?: unknown };
  toJSON?: () => unknown;
}

const MESSAGES: Record<string, (maxBodyBytes: number) => string> = {
  InvalidContent: () => 'the body is not valid JSON',
  PayloadTooLarge: (max) => `the body is larger than the ${max} bytes accepted`,
  RequestEntityTooLarge: (max) => `the body is larger than the ${max} bytes accepted`,
  ResourceNotFound: () => 'not found',
  MethodNotAllowed: () => 'this method is not allowed on this route',
  UnsupportedMediaType: () => 'unsupported content type: send application/json',
  NotAcceptable: () => 'no acceptable representation: accept application/json',
  BadRequest: () => 'the request could not be read',
  BadDigest: () => 'the request body could not be read',
  RequestTimeout: () => 'the request took too long to arrive',
};

/** Gives a restify error the service's JSON error shape (call from the `restifyError` event). */
export function shapeRestifyError(err: RestifyErrorLike, maxBodyBytes: number): void {
  const status = err.statusCode ?? 500;
  const named = typeof err.body?.code === 'string' ? err.body.code : err.name.replace(/Error$/, '');
  const code = status >= 500 ? 'InternalError' : named || 'BadRequest';
  const message = status >= 500 ? 'the request could not be handled' : (MESSAGES[code]?.(maxBodyBytes) ?? 'the request was refused');
  err.toJSON = () => ({ error: { code, message } });
}
