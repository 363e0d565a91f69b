/**
 * A minimal POSIX ustar writer and reader, so that a content revision can be downloaded as
 * one archive that any `tar` opens, without a dependency for a format this small.
 */

/** Why an archive could not be written or read. */
export type TarErrorCode = 'INVALID_PATH' | 'PATH_TOO_LONG' | 'DUPLICATE_PATH' | 'TOO_LARGE' | 'INVALID_MTIME' | 'TRUNCATED' | 'BAD_CHECKSUM' | 'BAD_HEADER';

/**
 * Thrown on input the writer refuses or an archive the reader cannot trust. Typed so that
 * callers can tell a damaged upload (answer 400) from a bug (answer 500).
 */
export class TarError extends Error {
  constructor(readonly code: TarErrorCode, message: string) {
    super(message);
    this.name = 'TarError';
  }
}

/** A file to put in an archive. */
export interface TarInput {
  /** Relative, `/`-separated path; parent folders need not be listed. */
  path: string;
  /** Strings are written as UTF-8. */
  content: string | Buffer;
  /**
   * Defaults to a fixed date (2000-01-01T00:00:00Z) rather than now, so that the same files
   * always give the same bytes and an archive's hash identifies its content.
   */
  mtime?: Date;
}

/** A regular file read back from an archive. */
export interface TarEntry {
  path: string;
  content: Buffer;
}

const BLOCK = 512;
const DEFAULT_MTIME = Date.UTC(2000, 0, 1) / 1000;
/** 11 octal digits: the largest size and mtime a ustar header holds. */
const MAX_OCTAL_11 = 0o77777777777;

function block(count = 1): Buffer {
  return Buffer.alloc(BLOCK * count);
}

function validatePath(path: string): void {
  const fail = (why: string): never => {
    throw new TarError('INVALID_PATH', `invalid path ${JSON.stringify(path)}: ${why}`);
  };
  if (path === '') fail('empty');
  if (path.includes('\0')) fail('contains NUL');
  if (path.includes('\\')) fail('use / as separator');
  // Absolute paths and `..` would write outside the folder the archive is extracted into.
  if (path.startsWith('/')) fail('must be relative');
  for (const part of path.split('/')) {
    if (part === '') fail('empty segment or trailing /');
    if (part === '.' || part === '..') fail(`contains "${part}"`);
  }
}

/**
 * Splits a path into ustar's `prefix` (155 bytes) and `name` (100 bytes) at a `/`, which is
 * how ustar stores paths over 100 bytes without extensions every reader may not know.
 * Lengths are in UTF-8 bytes, since that is what the fields hold.
 */
function splitPath(path: string): { name: Buffer; prefix: Buffer } {
  const bytes = Buffer.from(path, 'utf8');
  if (bytes.length <= 100) return { name: bytes, prefix: Buffer.alloc(0) };
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x2f) continue;
    if (i > 155) break;
    if (bytes.length - i - 1 <= 100) return { name: bytes.subarray(i + 1), prefix: bytes.subarray(0, i) };
  }
  throw new TarError('PATH_TOO_LONG', `path too long for ustar (needs a / splitting it into at most 155 + 100 bytes): ${path}`);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum;
}

function header(path: string, size: number, mtime: number): Buffer {
  const { name, prefix } = splitPath(path);
  const h = block();
  name.copy(h, 0);
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, mtime);
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\u000000', 257, 8, 'ascii');
  writeOctal(h, 329, 8, 0); // devmajor
  writeOctal(h, 337, 8, 0); // devminor
  prefix.copy(h, 345);
  // Six octal digits, NUL, space: the layout historical readers expect.
  h.write(checksum(h).toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/**
 * Writes files as a POSIX ustar archive: one header per file (mode 0644, owner 0), no
 * folder entries since `tar` creates parent folders on extraction, two zero blocks at the
 * end. Paths over 100 bytes are stored with the `prefix` field (up to 255 bytes in all).
 * Throws a {@link TarError} on unsafe paths (absolute, `..`), paths that do not fit,
 * duplicate paths (extraction would silently keep only the last) and files over 8 GiB.
 */
export function tarFiles(files: ReadonlyArray<TarInput>): Buffer {
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    validatePath(file.path);
    if (seen.has(file.path)) throw new TarError('DUPLICATE_PATH', `path listed twice: ${file.path}`);
    seen.add(file.path);
    const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
    if (content.length > MAX_OCTAL_11) throw new TarError('TOO_LARGE', `file too large for ustar: ${file.path}`);
    const mtime = file.mtime === undefined ? DEFAULT_MTIME : Math.floor(file.mtime.getTime() / 1000);
    if (!(mtime >= 0 && mtime <= MAX_OCTAL_11)) throw new TarError('INVALID_MTIME', `mtime out of range for ustar: ${file.path}`);
    parts.push(header(file.path, content.length, mtime), content);
    const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (padding > 0) parts.push(Buffer.alloc(padding));
  }
  parts.push(block(2));
  return Buffer.concat(parts);
}

function cString(buf: Buffer): Buffer {
  const end = buf.indexOf(0);
  return end === -1 ? buf : buf.subarray(0, end);
}

function readOctal(h: Buffer, offset: number, length: number, field: string): number {
  const text = cString(h.subarray(offset, offset + length)).toString('ascii').trim();
  if (!/^[0-7]*$/.test(text)) throw new TarError('BAD_HEADER', `header field ${field} is not octal: ${JSON.stringify(text)}`);
  return text === '' ? 0 : parseInt(text, 8);
}

/** Reads pax `path=` records, so archives written by other tools read with their real names. */
function paxPath(data: Buffer): string | undefined {
  let path: string | undefined;
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(data.subarray(offset, space).toString('ascii'), 10);
    if (!(length > 0) || offset + length > data.length) throw new TarError('BAD_HEADER', 'malformed pax extended header');
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq !== -1 && record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    offset += length;
  }
  return path;
}

/**
 * Reads the regular files of a tar archive, in archive order. Meant for checking what
 * {@link tarFiles} wrote and for reading back a downloaded revision: folders, links and
 * other special entries are skipped, and long names written by GNU tar (`L`) or pax (`x`)
 * are honoured. Throws a {@link TarError} on a bad checksum, an unreadable header or an
 * archive cut short (including one missing its end marker), so a damaged file is never
 * taken for a smaller valid one.
 */
export function untarFiles(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let offset = 0;
  let longPath: string | undefined;
  while (offset < buf.length) {
    if (buf.length - offset < BLOCK) throw new TarError('TRUNCATED', `archive ends inside a header at byte ${offset}`);
    const h = buf.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) return out; // end-of-archive marker
    const stored = readOctal(h, 148, 8, 'chksum');
    const unsigned = checksum(h);
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) signed += i >= 148 && i < 156 ? 0x20 : (h[i] << 24) >> 24;
    if (stored !== unsigned && stored !== signed) throw new TarError('BAD_CHECKSUM', `bad header checksum at byte ${offset}`);
    const size = readOctal(h, 124, 12, 'size');
    const type = String.fromCharCode(h[156]);
    const dataStart = offset + BLOCK;
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (next > buf.length) throw new TarError('TRUNCATED', `archive ends inside the data of the entry at byte ${offset}`);
    const data = buf.subarray(dataStart, dataStart + size);
    offset = next;

    if (type === 'L') {
      longPath = cString(data).toString('utf8');
      continue;
    }
    if (type === 'x') {
      longPath = paxPath(data) ?? longPath;
      continue;
    }
    if (type === '0' || type === '\0' || type === '7') {
      let path = longPath;
      if (path === undefined) {
        const name = cString(h.subarray(0, 100)).toString('utf8');
        // Only POSIX ustar has `prefix` there; old GNU headers keep other data at that place.
        const posix = h.subarray(257, 263).equals(Buffer.from('ustar\0', 'ascii'));
        const prefix = posix ? cString(h.subarray(345, 500)).toString('utf8') : '';
        path = prefix === '' ? name : `${prefix}/${name}`;
      }
      out.push({ path, content: Buffer.from(data) });
    }
    longPath = undefined;
  }
  // Without the end marker, a cut at a block boundary would pass for a smaller archive.
  throw new TarError('TRUNCATED', 'archive ends without its end-of-archive marker');
}
