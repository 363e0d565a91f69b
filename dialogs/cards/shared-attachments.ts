/**
 * Attachments shared by many replies: built once, deep-frozen, sent as they are to everyone
 * who asks the same thing (the answer cards). Marking one says it will never change, so
 * what is derived from it, such as the bytes of its JSON, may be kept with it.
 */
const shared = new WeakSet<object>();

/** Marks `attachment` (deep-frozen by the caller) as shared; returns it. */
export function markShared<T extends object>(attachment: T): T {
  shared.add(attachment);
  return attachment;
}

/** Whether `value` was marked by {@link markShared}. */
export function isShared(value: unknown): value is object {
  return typeof value === 'object' && value !== null && shared.has(value);
}
