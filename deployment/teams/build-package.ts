/**
 * Builds the Teams app package (`manifest.json`, `color.png`, `outline.png` in a zip) from
 * the manifest template and the configuration:
 *
 *   MicrosoftAppId=... PUBLIC_URL=https://assistant.example.gouv.fr npm run teams-package
 *
 * The icons are drawn here (DSFR blue, a white speech bubble) so that no binary lives in the
 * repository. The zip is written without compression tools: stored entries with CRC-32.
 */
import * as fs from 'fs';
import * as path from 'path';
import { deflateSync } from 'zlib';
import { projectRoot } from '../../knowledge/paths';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** CRC-32 of a buffer (zip and PNG). */
export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A square RGBA PNG drawn by a function of (x, y) giving [r, g, b, a]. */
export function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) Buffer.from(pixel(x, y)).copy(raw, y * (size * 4 + 1) + 1 + x * 4);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Whether (x, y) of a square of `size` falls in the speech bubble. */
function bubble(x: number, y: number, size: number): boolean {
  const u = x / size;
  const v = y / size;
  const inBody = u > 0.2 && u < 0.8 && v > 0.22 && v < 0.62;
  const inTail = v >= 0.62 && v < 0.8 && u > 0.3 && u < 0.3 + (0.8 - v) * 0.9;
  return inBody || inTail;
}

/** A zip archive of stored (uncompressed) files. */
export function zip(files: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(f.data.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.data);
    centrals.push(central, name);
    offset += local.length + name.length + f.data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** The manifest with its placeholders filled; throws naming a missing setting. */
export function manifest(template: string, env: NodeJS.ProcessEnv): string {
  const appId = (env.MicrosoftAppId ?? '').trim();
  if (!/^[0-9a-f-]{36}$/i.test(appId)) throw new Error('MicrosoftAppId: the bot\'s Entra ID application id (a GUID) is required');
  const publicUrl = (env.PUBLIC_URL ?? '').trim().replace(/\/$/, '');
  if (!/^https:\/\/[^/\s]+/.test(publicUrl)) throw new Error('PUBLIC_URL: the service\'s public https address is required');
  const values: Record<string, string> = {
    MicrosoftAppId: appId,
    PUBLIC_URL: publicUrl,
    PUBLIC_HOST: new URL(publicUrl).host,
    APP_VERSION: (env.APP_VERSION ?? '1.0.0').trim(),
    ORGANISATION_NAME: (env.ORGANISATION_NAME ?? "Préfecture du Val-d'Oise").trim(),
  };
  const out = template.replace(/\$\{(\w+)\}/g, (_, k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`unknown placeholder \${${k}} in the manifest template`);
    return JSON.stringify(v).slice(1, -1);
  });
  JSON.parse(out);
  return out;
}

/** Builds the package; returns its path. */
export function buildPackage(env: NodeJS.ProcessEnv, outFile?: string): string {
  const root = projectRoot();
  const template = fs.readFileSync(path.join(root, 'deployment', 'teams', 'manifest.template.json'), 'utf8');
  const blue: [number, number, number, number] = [0, 0, 145, 255];
  const white: [number, number, number, number] = [255, 255, 255, 255];
  const clear: [number, number, number, number] = [0, 0, 0, 0];
  const files = [
    { name: 'manifest.json', data: Buffer.from(manifest(template, env), 'utf8') },
    { name: 'color.png', data: png(192, (x, y) => (bubble(x, y, 192) ? white : blue)) },
    { name: 'outline.png', data: png(32, (x, y) => (bubble(x, y, 32) ? white : clear)) },
  ];
  const out = outFile ?? path.join(root, 'dist', 'teams-app.zip');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, zip(files));
  return out;
}

if (require.main === module) {
  try {
    process.stdout.write(`${buildPackage(process.env, process.argv[2])}\n`);
  } catch (err) {
    process.stderr.write(`teams-package: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
