import * as fs from 'fs';
import * as path from 'path';
import { buildPackage, crc32, manifest } from '../../deployment/teams/build-package';
import { tempDir } from '../helpers/bot-harness';

/** Reads the entries of a stored-only zip, checking each CRC. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    const crc = buf.readUInt32LE(at + 14);
    const size = buf.readUInt32LE(at + 18);
    const nameLen = buf.readUInt16LE(at + 26);
    const name = buf.subarray(at + 30, at + 30 + nameLen).toString('utf8');
    const data = buf.subarray(at + 30 + nameLen, at + 30 + nameLen + size);
    expect(crc32(data)).toBe(crc);
    out.set(name, data);
    at += 30 + nameLen + size;
  }
  return out;
}

it('builds a Teams package: manifest with the bot, resource-specific consent and SSO, and both icons', () => {
  const t = tempDir('teams-');
  try {
    const file = buildPackage({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', PUBLIC_URL: 'https://assistant.prefecture.example/' }, path.join(t.dir, 'app.zip'));
    const files = unzip(fs.readFileSync(file));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const m = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(m.manifestVersion).toBe('1.17');
    expect(m.bots[0]).toMatchObject({ botId: '11111111-2222-3333-4444-555555555555', scopes: ['team', 'personal'] });
    expect(m.authorization.permissions.resourceSpecific).toEqual([{ name: 'ChannelMessage.Read.Group', type: 'Application' }]);
    expect(m.webApplicationInfo).toEqual({ id: '11111111-2222-3333-4444-555555555555', resource: 'api://assistant.prefecture.example/11111111-2222-3333-4444-555555555555' });
    expect(m.validDomains).toEqual(['assistant.prefecture.example']);
    expect(m.staticTabs[0]).toMatchObject({ contentUrl: 'https://assistant.prefecture.example/console', scopes: ['personal'] });
    // The knowledge editor is a tab too; only editors (app role) can sign in to it.
    expect(m.staticTabs[1]).toMatchObject({ contentUrl: 'https://assistant.prefecture.example/editeur', scopes: ['personal'] });
    for (const [name, size] of [['color.png', 192], ['outline.png', 32]] as const) {
      const png = files.get(name)!;
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(size);
      expect(png.readUInt32BE(20)).toBe(size);
    }
  } finally {
    t.cleanup();
  }
});

it('refuses to build without an app id or a public https address', () => {
  const template = fs.readFileSync(path.join(__dirname, '..', '..', 'deployment', 'teams', 'manifest.template.json'), 'utf8');
  expect(() => manifest(template, { PUBLIC_URL: 'https://x.example' })).toThrow(/MicrosoftAppId/);
  expect(() => manifest(template, { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', PUBLIC_URL: 'http://x.example' })).toThrow(/PUBLIC_URL/);
});
