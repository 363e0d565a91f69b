/**
 * The bytes of an activity's JSON, as the Bot Connector receives them. An answer card is
 * about 6,000 characters, the same for everyone who asks the same question in the same
 * minute: its JSON was made and encoded to UTF-8 again for every reply (about a quarter of a
 * card reply's CPU, measured in process, issue 8). The bytes of each shared attachment
 * (`markShared` in `dialogs/cards/shared-attachments.ts`) are kept with it; the rest of the
 * activity is made per reply.
 */
import { isShared } from '../dialogs/cards/shared-attachments';

const keptBytes = new WeakMap<object, Buffer>();

/** The UTF-8 JSON of one attachment, kept when it is shared. */
function attachmentBytes(attachment: unknown): Buffer {
  if (!isShared(attachment)) return Buffer.from(JSON.stringify(attachment) ?? 'null', 'utf8');
  let bytes = keptBytes.get(attachment);
  if (!bytes) keptBytes.set(attachment, (bytes = Buffer.from(JSON.stringify(attachment), 'utf8')));
  return bytes;
}

const OPEN = Buffer.from('"attachments":[', 'utf8');
const COMMA = Buffer.from(',', 'utf8');
const CLOSE = Buffer.from(']}', 'utf8');

/**
 * `JSON.stringify(activity)` as UTF-8 bytes, the same JSON value, with `attachments` written
 * last when one of them is shared. An activity with no shared attachment is written whole.
 */
export function activityJsonBytes(activity: Record<string, unknown>): Buffer {
  const attachments = activity.attachments;
  if (!Array.isArray(attachments) || !attachments.some(isShared)) return Buffer.from(JSON.stringify(activity), 'utf8');
  const { attachments: _attachments, ...rest } = activity;
  const head = JSON.stringify(rest);
  const parts: Buffer[] = [Buffer.from(head.length > 2 ? `${head.slice(0, -1)},` : '{', 'utf8'), OPEN];
  attachments.forEach((a, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(attachmentBytes(a));
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
