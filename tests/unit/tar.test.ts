/**
 * The revision archive: what is written reads back identically, the system `tar` lists and
 * extracts it, and a damaged archive is refused rather than half read.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { TarError, tarFiles, untarFiles } from '../../knowledge/tar';

const longPath = `procedures/${'dossier-tres-long-'.repeat(6)}/${'sous-dossier-'.repeat(4)}/fichier-au-nom-particulierement-long.yaml`;
const input = [
  { path: 'procedures/cni-passeport.yaml', content: 'id: cni-passeport\nkind: procedure\n' },
  { path: 'procédures/é.yaml', content: 'titre: Été à la préfecture\n' },
  { path: longPath, content: Buffer.from('x'.repeat(1500)) },
  { path: 'vide.yaml', content: '' },
  { path: 'exact-512.bin', content: Buffer.alloc(512, 7), mtime: new Date('2026-03-01T12:34:56Z') },
];

const systemTar = spawnSync('tar', ['--version'], { encoding: 'utf8' });
const itTar = systemTar.status === 0 ? it : it.skip;

/** GNU tar escapes bytes it cannot print in the current locale as `\ooo`; undo that. */
function unescapeTarName(line: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < line.length; i++) {
    const octal = /^\\([0-7]{3})/.exec(line.slice(i));
    if (octal) {
      bytes.push(parseInt(octal[1], 8));
      i += 3;
    } else bytes.push(...Buffer.from(line[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function withTempDir(run: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-test-'));
  try {
    run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('tarFiles / untarFiles', () => {
  it('reads back exactly what was written, UTF-8 names and long paths included', () => {
    expect(Buffer.byteLength(longPath)).toBeGreaterThan(100);
    const archive = tarFiles(input);
    expect(archive.length % 512).toBe(0);
    expect(archive.subarray(archive.length - 1024).every((b) => b === 0)).toBe(true);
    expect(untarFiles(archive)).toEqual(input.map((f) => ({ path: f.path, content: Buffer.from(f.content) })));
  });

  it('gives the same bytes for the same files', () => {
    expect(tarFiles(input).equals(tarFiles(input))).toBe(true);
  });

  it('writes an empty archive as just the end marker', () => {
    expect(tarFiles([])).toEqual(Buffer.alloc(1024));
    expect(untarFiles(tarFiles([]))).toEqual([]);
  });

  itTar('is listed by the system tar, with the mode and date given', () => {
    withTempDir((dir) => {
      const file = path.join(dir, 'revision.tar');
      fs.writeFileSync(file, tarFiles(input));
      const list = spawnSync('tar', ['-tf', file], { encoding: 'utf8' });
      expect(list.stderr).toBe('');
      expect(list.status).toBe(0);
      expect(list.stdout.trim().split('\n').map(unescapeTarName)).toEqual(input.map((f) => f.path));
      const verbose = spawnSync('tar', ['-tvf', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      expect(verbose.status).toBe(0);
      expect(verbose.stdout).toMatch(/^-rw-r--r-- .* 512 2026-03-01 12:34 exact-512\.bin$/m);
    });
  });

  itTar('is extracted by the system tar, parent folders created', () => {
    withTempDir((dir) => {
      const file = path.join(dir, 'revision.tar');
      fs.writeFileSync(file, tarFiles(input));
      const out = path.join(dir, 'out');
      fs.mkdirSync(out);
      const extract = spawnSync('tar', ['-xf', file, '-C', out], { encoding: 'utf8' });
      expect(extract.stderr).toBe('');
      expect(extract.status).toBe(0);
      for (const f of input) expect(fs.readFileSync(path.join(out, f.path))).toEqual(Buffer.from(f.content));
    });
  });

  itTar('reads archives the system tar wrote', () => {
    withTempDir((dir) => {
      const src = path.join(dir, 'src');
      fs.mkdirSync(path.join(src, 'procédures', 'a'.repeat(120)), { recursive: true });
      fs.writeFileSync(path.join(src, 'procédures', 'é.yaml'), 'é: 1\n');
      fs.writeFileSync(path.join(src, 'procédures', 'a'.repeat(120), 'long.yaml'), 'long: true\n');
      const file = path.join(dir, 'system.tar');
      const create = spawnSync('tar', ['-cf', file, '-C', src, 'procédures'], { encoding: 'utf8' });
      expect(create.status).toBe(0);
      const files = untarFiles(fs.readFileSync(file)).sort((a, b) => (a.path < b.path ? -1 : 1));
      expect(files).toEqual([
        { path: `procédures/${'a'.repeat(120)}/long.yaml`, content: Buffer.from('long: true\n') },
        { path: 'procédures/é.yaml', content: Buffer.from('é: 1\n') },
      ]);
    });
  });

  it('throws TarError on a corrupt checksum', () => {
    const archive = tarFiles(input);
    archive[10] ^= 0x01; // a byte of the first name
    expect(() => untarFiles(archive)).toThrow(TarError);
    try {
      untarFiles(archive);
    } catch (err) {
      expect((err as TarError).code).toBe('BAD_CHECKSUM');
    }
  });

  it('throws TarError on an archive cut short', () => {
    const archive = tarFiles(input);
    expect(() => untarFiles(archive.subarray(0, 700))).toThrow(expect.objectContaining({ name: 'TarError', code: 'TRUNCATED' }));
    expect(() => untarFiles(archive.subarray(0, 300))).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
    // Cut exactly after the first file: every header is whole, but the end marker is missing.
    expect(() => untarFiles(archive.subarray(0, 1024))).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
  });

  it('throws TarError on a header that is not a tar header', () => {
    const garbage = Buffer.alloc(1024, 'z');
    expect(() => untarFiles(garbage)).toThrow(TarError);
  });

  it('refuses paths that are unsafe, duplicated or too long for ustar', () => {
    const code = (files: Parameters<typeof tarFiles>[0]): string | undefined => {
      try {
        tarFiles(files);
        return undefined;
      } catch (err) {
        return err instanceof TarError ? err.code : 'other';
      }
    };
    expect(code([{ path: '/etc/passwd', content: '' }])).toBe('INVALID_PATH');
    expect(code([{ path: 'a/../../b', content: '' }])).toBe('INVALID_PATH');
    expect(code([{ path: 'a//b', content: '' }])).toBe('INVALID_PATH');
    expect(code([{ path: 'a', content: '' }, { path: 'a', content: 'x' }])).toBe('DUPLICATE_PATH');
    expect(code([{ path: 'a'.repeat(101), content: '' }])).toBe('PATH_TOO_LONG');
    expect(code([{ path: `${'a'.repeat(156)}/b`, content: '' }])).toBe('PATH_TOO_LONG');
    expect(code([{ path: `${'a'.repeat(155)}/${'b'.repeat(100)}`, content: '' }])).toBeUndefined();
    expect(code([{ path: 'a', content: '', mtime: new Date(-1000) }])).toBe('INVALID_MTIME');
  });
});
