/** The Direct Line store contract, run by every implementation. */
import { DirectLineStore } from '../../storage/directline-store';

/** Lets the clock move on, so that rows written before and after a cut-off differ. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 25));

export function directLineStoreContract(name: string, open: () => Promise<DirectLineStore>, reopen?: (s: DirectLineStore) => Promise<DirectLineStore>): void {
  describe(`Direct Line store contract: ${name}`, () => {
    let store: DirectLineStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
    });

    it('creates conversations and starts each once', async () => {
      expect(await store.getConversation('c1')).toBeUndefined();
      await store.createConversation('c1', 'dl_u1');
      expect(await store.getConversation('c1')).toMatchObject({ id: 'c1', userId: 'dl_u1', started: false });
      expect(await store.markStarted('c1')).toBe(true);
      expect(await store.markStarted('c1')).toBe(false);
      expect((await store.getConversation('c1'))?.started).toBe(true);
    });

    it('numbers activities per conversation and reads them after a watermark', async () => {
      await store.createConversation('a', 'u');
      await store.createConversation('b', 'u');
      const a1 = await store.append('a', { type: 'message', text: 'a1' });
      await store.append('b', { type: 'message', text: 'b1' });
      const a2 = await store.append('a', { type: 'message', text: 'a2', id: 'given-id' });
      expect([a1.seq, a2.seq]).toEqual([1, 2]);
      expect(a1.activity.id).toMatch(/^a\|/);
      expect(a2.activity.id).toBe('given-id');
      expect((await store.after('a', 0)).map((s) => s.activity.text)).toEqual(['a1', 'a2']);
      expect((await store.after('a', 1)).map((s) => s.activity.text)).toEqual(['a2']);
      expect((await store.after('b', 0)).map((s) => s.activity.text)).toEqual(['b1']);
      expect(await store.after('a', 2)).toEqual([]);
    });

    it('refuses activities for an unknown conversation', async () => {
      await expect(store.append('ghost', { type: 'message' })).rejects.toThrow(/unknown conversation/);
    });

    it('updates an activity in place', async () => {
      await store.createConversation('u', 'x');
      const s = await store.append('u', { type: 'message', text: 'old' });
      expect(await store.update('u', s.activity.id, { type: 'message', text: 'new' })).toBe(true);
      expect(await store.update('u', 'nope', { type: 'message' })).toBe(false);
      const [only] = await store.after('u', 0);
      expect(only).toMatchObject({ seq: 1, activity: { id: s.activity.id, text: 'new' } });
    });

    it('keeps concurrent appends in distinct positions', async () => {
      await store.createConversation('p', 'x');
      const all = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append('p', { type: 'message', text: String(i) })));
      expect(new Set(all.map((s) => s.seq)).size).toBe(50);
    });

    it('retention: deletes conversations idle since the cut-off with their activities, keeps the others, and is idempotent', async () => {
      await store.createConversation('idle', 'u1');
      await store.append('idle', { type: 'message', text: 'mon numéro étranger 7512345678' });
      await store.append('idle', { type: 'message', text: 'réponse' });
      await store.createConversation('silent', 'u2');
      await store.createConversation('active', 'u3');
      await store.append('active', { type: 'message', text: 'ancien message' });
      await tick();
      const cutoff = new Date().toISOString();
      await tick();
      await store.append('active', { type: 'message', text: 'nouveau message' });
      await store.createConversation('new', 'u4');
      expect(await store.purgeIdleBefore(cutoff)).toEqual({ conversations: 2, activities: 2 });
      expect(await store.getConversation('idle')).toBeUndefined();
      expect(await store.getConversation('silent')).toBeUndefined();
      expect(await store.after('idle', 0)).toEqual([]);
      // A conversation with a recent activity is kept whole: its history still resumes.
      expect((await store.after('active', 0)).map((a) => a.activity.text)).toEqual(['ancien message', 'nouveau message']);
      expect(await store.getConversation('new')).toBeDefined();
      expect(await store.purgeIdleBefore(cutoff)).toEqual({ conversations: 0, activities: 0 });
    });

    it('erasure: removes every message of one conversation, keeps it usable with increasing positions, touches no other', async () => {
      await store.createConversation('mine', 'u1');
      await store.createConversation('other', 'u2');
      for (const text of ['bonjour', 'je suis né le 3 mars 1985', 'effacer ma conversation', 'oui']) await store.append('mine', { type: 'message', text });
      await store.append('other', { type: 'message', text: 'autre personne' });
      expect(await store.eraseActivities('mine')).toBe(4);
      const left = await store.after('mine', 0);
      expect(left.every((a) => a.activity.type !== 'message' && a.activity.text === undefined)).toBe(true);
      expect(JSON.stringify(left)).not.toContain('1985');
      expect(await store.getConversation('mine')).toBeDefined();
      const next = await store.append('mine', { type: 'message', text: 'votre conversation est effacée' });
      expect(next.seq).toBe(5);
      expect((await store.after('mine', 4)).map((a) => a.activity.text)).toEqual(['votre conversation est effacée']);
      expect((await store.after('other', 0)).map((a) => a.activity.text)).toEqual(['autre personne']);
      expect(await store.eraseActivities('nobody')).toBe(0);
    });

    if (reopen) {
      it('keeps conversations and activities after being reopened', async () => {
        await store.createConversation('d', 'x');
        await store.append('d', { type: 'message', text: 'kept' });
        store = await reopen(store);
        expect((await store.after('d', 0))[0]?.activity.text).toBe('kept');
      });
    }
  });
}
