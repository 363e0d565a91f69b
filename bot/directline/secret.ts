/**
 * The Direct Line secret: from the configuration, or generated once and kept in the data
 * folder (readable by the service only) so that tokens survive a restart.
 */
import { createHmac, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The configured secret, or the one kept in `dataDir` (created when missing). */
export function directLineSecret(configured: string, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'directline-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** The path key of the service's own Bot Connector endpoints, derived from the secret. */
export function connectorKey(secret: string): string {
  return createHmac('sha256', secret).update('connector-endpoint-v1').digest('hex').slice(0, 32);
}
