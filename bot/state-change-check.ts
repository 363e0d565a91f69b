/**
 * botbuilder's state change check, made cheaper. `BotState` decides whether to write a
 * conversation's state at the end of a turn by comparing a hash of it taken when it was read
 * with one taken at the end (and takes a third after writing): each is a JSON text made with
 * a replacer function called on every value, then a SHA-256 of it. For this bot's state
 * (the dialog stack, the language, the handoff mark) that was about 5% of a turn's CPU under
 * load in profiles (issue 8), for a comparison that the JSON text alone answers: equal texts,
 * nothing to write. The replacer exists for objects that define `_replacer` and for circular
 * structures, neither of which this bot's state holds (it is written as JSON by the storage,
 * which refuses what JSON cannot hold, with `STORAGE_INVALID`).
 */
import type { BotState, TurnContext } from 'botbuilder';

/** What `BotState` caches for a turn under its (private) state key. */
interface Cached {
  state: Record<string, unknown>;
  hash: string;
}

/** The part of `BotState` the check uses: its storage and key, as botbuilder declares them. */
interface Internals {
  stateKey?: unknown;
  storage: { read(keys: string[]): Promise<Record<string, unknown>>; write(changes: Record<string, unknown>): Promise<void> };
  storageKey(context: TurnContext): string | Promise<string>;
}

/**
 * The state's change check text: its JSON without the eTag (which changes on every write, as
 * botbuilder's hash leaves it out). A state JSON cannot hold gets a text no other state has,
 * so it is always written, and the storage reports why it cannot be.
 */
export function changeCheckText(state: Record<string, unknown> | undefined): string {
  if (!state) return '';
  const { eTag: _eTag, ...rest } = state;
  try {
    return JSON.stringify(rest);
  } catch {
    return `\u0000unserialisable:${Math.random()}`;
  }
}

/**
 * Gives `state` botbuilder's `load` and `saveChanges` with {@link changeCheckText} in place of
 * the hash: the same reads, writes and caching (`get`, `clear` and `delete` keep working on
 * the same cached entry). Leaves `state` as it is if its botbuilder version keeps its cache
 * elsewhere than the field this relies on (the tests would then show the hash in use).
 * Returns whether the check was replaced.
 */
export function withJsonChangeCheck(state: BotState): boolean {
  const self = state as unknown as Internals;
  const key = self.stateKey;
  if (typeof key !== 'symbol') return false;
  state.load = (context: TurnContext, force = false) => {
    const cached = context.turnState.get(key) as Cached | undefined;
    if (!force && cached?.state) return Promise.resolve(cached.state);
    return Promise.resolve(self.storageKey(context)).then((storageKey) =>
      self.storage.read([storageKey]).then((items) => {
        const loaded = (items[storageKey] as Record<string, unknown> | undefined) ?? {};
        context.turnState.set(key, { state: loaded, hash: changeCheckText(loaded) } satisfies Cached);
        return loaded;
      }),
    );
  };
  state.saveChanges = (context: TurnContext, force = false) => {
    const cached = context.turnState.get(key) as Cached | undefined;
    if (!cached && !force) return Promise.resolve();
    const entry = cached ?? { state: {}, hash: '' };
    const text = changeCheckText(entry.state);
    if (!force && entry.hash === text) return Promise.resolve();
    return Promise.resolve(self.storageKey(context)).then((storageKey) => {
      entry.state.eTag = '*';
      return self.storage.write({ [storageKey]: entry.state }).then(() => {
        // The text taken for the check is the written state's: only the eTag, which it
        // leaves out, changed since (botbuilder hashed the state a third time here).
        entry.hash = text;
        context.turnState.set(key, entry);
      });
    });
  };
  return true;
}
