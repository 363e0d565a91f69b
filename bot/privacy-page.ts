/**
 * The privacy notice page, `web/privacy.html`, at `/confidentialite` and `/privacy`, with
 * the configured retention period written in. The page has no inline script or style (the
 * Content-Security-Policy forbids them); the DSFR scripts get the response's nonce like
 * every other page.
 */
import * as restify from 'restify';
import { pageHandler } from './static-files';

/** Mounts the privacy page; `retentionDays` is `TRANSCRIPT_RETENTION_DAYS`. */
export function mountPrivacyPage(server: restify.Server, retentionDays: number): void {
  const handler = pageHandler('privacy.html', (html) => html.replace(/__RETENTION_DAYS__/g, String(retentionDays)));
  server.get('/confidentialite', handler);
  server.get('/privacy', handler);
}
