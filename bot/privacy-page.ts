/**
 * The privacy notice page, `web/privacy.html`, at `/confidentialite` and `/privacy`, with
 * the configured retention period written in. The page has no inline script or style (the
 * Content-Security-Policy forbids them); the DSFR scripts get the response's nonce like
 * every other page.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as restify from 'restify';
import { projectRoot } from '../knowledge/paths';
import { nonceOf } from './security-headers';
import { withNonce } from './static-files';

/** Mounts the privacy page; `retentionDays` is `TRANSCRIPT_RETENTION_DAYS`. */
export function mountPrivacyPage(server: restify.Server, retentionDays: number): void {
  const file = path.join(projectRoot(), 'web', 'privacy.html');
  const handler = async (_req: restify.Request, res: restify.Response): Promise<void> => {
    let html: string;
    try {
      html = fs.readFileSync(file, 'utf8');
    } catch {
      res.send(404, { error: { code: 'NotFound', message: 'no page' } });
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.sendRaw(200, withNonce(html.replace(/__RETENTION_DAYS__/g, String(retentionDays)), nonceOf(res)));
  };
  server.get('/confidentialite', handler);
  server.get('/privacy', handler);
}
