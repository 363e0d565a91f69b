/**
 * The storage contract: every `StateStore` implementation (SQLite now, PostgreSQL later)
 * runs this same suite.
 */
import { StateStore } from '../../storage/port';

/** Lets the clock move on, so that rows written before and after a cut-off differ. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 25));

/** Registers the contract tests for a store factory. `reopen` reopens the same data, when the store is durable. */
export function storageContract(
  name: string,
  open: () => Promise<StateStore>,
  reopen?: (previous: StateStore) => Promise<StateStore>,
): void {
  describe(`storage contract: ${name}`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
    });

    it('reads nothing for unknown keys', async () => {
      expect(await store.read(['nope', 'nada'])).toEqual({});
      expect(await store.read([])).toEqual({});
    });

    it('writes, reads back with an eTag, and deletes', async () => {
      await store.write({ a: { n: 1, nested: { list: [1, 'two'] } }, b: { s: 'é€😀' } });
      const items = await store.read(['a', 'b', 'c']);
      expect(items.a).toMatchObject({ n: 1, nested: { list: [1, 'two'] } });
      expect(items.b).toMatchObject({ s: 'é€😀' });
      expect(typeof items.a.eTag).toBe('string');
      expect(items.c).toBeUndefined();
      await store.delete(['a']);
      expect(Object.keys(await store.read(['a', 'b']))).toEqual(['b']);
    });

    it('gives a new eTag on every write', async () => {
      await store.write({ k: { v: 1 } });
      const first = (await store.read(['k'])).k.eTag;
      await store.write({ k: { v: 2, eTag: first } });
      const second = await store.read(['k']);
      expect(second.k.v).toBe(2);
      expect(second.k.eTag).not.toBe(first);
    });

    it('refuses a write carrying a stale eTag and keeps the stored item', async () => {
      await store.write({ k: { v: 1 } });
      const stale = (await store.read(['k'])).k.eTag;
      await store.write({ k: { v: 2, eTag: stale } });
      await expect(store.write({ k: { v: 3, eTag: stale } })).rejects.toThrow(/eTag/);
      expect((await store.read(['k'])).k.v).toBe(2);
    });

    it('accepts the wildcard eTag and writes without eTag as last-writer-wins', async () => {
      await store.write({ k: { v: 1 } });
      await store.write({ k: { v: 2, eTag: '*' } });
      await store.write({ k: { v: 3 } });
      expect((await store.read(['k'])).k.v).toBe(3);
    });

    it('does not store the eTag inside the item', async () => {
      await store.write({ k: { v: 1, eTag: '*' } });
      const item = (await store.read(['k'])).k;
      expect(item.eTag).not.toBe('*');
    });

    it('fails clearly once closed', async () => {
      await store.close();
      await expect(store.read(['a'])).rejects.toThrow();
      expect(await store.ping()).toBe(false);
    });

    it('retention: deletes conversation state idle since the cut-off, keeps newer state and other items, and is idempotent', async () => {
      await store.write({ 'directline/conversations/old/': { language: 'fr' }, 'directline/conversations/old2/': { v: 1 }, 'teams/agents-channel': { id: 'kept' } });
      await tick();
      const cutoff = new Date().toISOString();
      await tick();
      await store.write({ 'directline/conversations/new/': { language: 'en' }, 'directline/conversations/old2/': { v: 2 } });
      expect(await store.deleteIdleBefore(cutoff)).toBe(1);
      expect(Object.keys(await store.read(['directline/conversations/old/', 'directline/conversations/old2/', 'directline/conversations/new/'])).sort()).toEqual([
        'directline/conversations/new/',
        'directline/conversations/old2/',
      ]);
      // Not a conversation's or a person's state: the agents' channel stays whatever its age.
      expect((await store.read(['teams/agents-channel']))['teams/agents-channel']).toMatchObject({ id: 'kept' });
      expect(await store.deleteIdleBefore(cutoff)).toBe(0);
    });

    if (reopen) {
      it('keeps what was written after being closed and reopened', async () => {
        await store.write({ durable: { v: 42 } });
        store = await reopen(store);
        expect((await store.read(['durable'])).durable).toMatchObject({ v: 42 });
      });
    }
  });
}
