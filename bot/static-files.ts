/**
 * The pages and their assets: the website demo (`web/`) at `/`, the agent console at
 * `/console`, the published indicators at `/indicateurs`, the État's design system, the Web Chat control and the Teams library from
 * `node_modules` (no CDN).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as restify from 'restify';
import { projectRoot } from '../knowledge/paths';
import { nonceOf } from './security-headers';

/**
 * A page with this response's CSP nonce on its `<script>` elements: the page scripts read it
 * (`document.currentScript.nonce`) and give it to Web Chat, whose `<style>` elements then
 * pass the `style-src` of the Content-Security-Policy. The pages have no inline script
 * (`script-src 'self'`): the nonce only admits styles.
 */
export function withNonce(html: string, nonce: string): string {
  return html.replace(/<script\b/gi, `<script nonce="${nonce}"`);
}

/**
 * The handler of a page of `web/`: read once (a page is part of the release), then sent with
 * this response's nonce and never stored by a cache (the nonce changes with every response).
 * `fill` writes the service's own values into the page (e.g. the retention period).
 */
export function pageHandler(name: string, fill: (html: string) => string = (html) => html): (req: restify.Request, res: restify.Response) => Promise<void> {
  const file = path.join(projectRoot(), 'web', name);
  let template: string | undefined;
  return async (_req, res) => {
    if (template === undefined) {
      try {
        template = fill(fs.readFileSync(file, 'utf8'));
      } catch {
        res.send(404, { error: { code: 'NotFound', message: 'no page' } });
        return;
      }
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.sendRaw(200, withNonce(template, nonceOf(res)));
  };
}

/** Mounts the static routes. */
export function mountStatic(server: restify.Server): void {
  const root = projectRoot();
  const web = path.join(root, 'web');
  const dsfr = path.join(path.dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist');
  // The package's exports hide package.json; its CommonJS entry sits in lib/, next to dist/.
  const webchat = path.join(path.dirname(require.resolve('botframework-webchat')), '..', 'dist');

  server.get('/', pageHandler('index.html'));
  server.get('/console', pageHandler('console.html'));
  server.get('/indicateurs', pageHandler('indicators.html'));
  server.get('/indicators', pageHandler('indicators.html'));
  server.get('/editeur', pageHandler('editor.html'));
  const teamsJs = path.join(path.dirname(require.resolve('@microsoft/teams-js')));
  server.get('/vendor/teams-js/*', restify.plugins.serveStaticFiles(teamsJs, { maxAge: 86400 }));
  server.get('/web/*', (req: restify.Request, res: restify.Response, next: restify.Next) => {
    // The pages are served by their routes only (with the nonce their policy expects); web/
    // serves their scripts, styles and images.
    if (/\.html?$/i.test(req.path())) {
      res.send(404, { error: { code: 'NotFound', message: 'not found' } });
      return next(false);
    }
    return next();
  }, restify.plugins.serveStaticFiles(web, { maxAge: 0 }));
  server.get('/vendor/dsfr/*', restify.plugins.serveStaticFiles(dsfr, { maxAge: 86400 }));
  server.get('/vendor/webchat/*', (req: restify.Request, res: restify.Response, next: restify.Next) => {
    // Only the browser bundle is served from the package, not its sources.
    if (!/^\/vendor\/webchat\/webchat(-es5|-minimal)?\.js$/.test(req.path())) {
      res.send(404, { error: { code: 'NotFound', message: 'not found' } });
      return next(false);
    }
    return next();
  }, restify.plugins.serveStaticFiles(webchat, { maxAge: 86400 }));
}
