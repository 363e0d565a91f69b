/** The knowledge store contract, run by every implementation. */
import { KnowledgeStore, NewRevision } from '../../storage/knowledge-store';

const claire = { id: 'local:claire', name: 'Claire' };
const yann = { id: 'local:yann', name: 'Yann' };
const revision = (parent: number | null, files: Record<string, unknown>, extra: Partial<NewRevision> = {}): NewRevision => ({
  parent,
  author: claire,
  message: 'm',
  files: new Map(Object.entries(files)),
  changes: 1,
  contentHash: `h${parent ?? 0}`,
  clearDraft: [],
  ...extra,
});
const at = '2026-11-23T10:00:00.000Z';

export function knowledgeStoreContract(name: string, open: () => Promise<KnowledgeStore>, reopen?: (s: KnowledgeStore) => Promise<KnowledgeStore>): void {
  describe(`knowledge store contract: ${name}`, () => {
    let store: KnowledgeStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
    });

    it('publishes revisions in order with who, when and why, and gives their files back', async () => {
      expect(await store.latest()).toBeUndefined();
      const first = await store.publish(revision(null, { 'a.yaml': { x: 1 } }));
      const second = await store.publish(revision(first!.id, { 'a.yaml': { x: 2 } }, { author: yann, message: 'pourquoi', restoredFrom: first!.id }));
      expect(second).toMatchObject({ author: yann, message: 'pourquoi', restoredFrom: first!.id });
      expect((await store.latest())?.id).toBe(second!.id);
      expect((await store.revisions(10)).map((r) => r.id)).toEqual([second!.id, first!.id]);
      expect((await store.revision(first!.id))?.files.get('a.yaml')).toEqual({ x: 1 });
      expect(await store.revision(999)).toBeUndefined();
    });

    it('refuses a publication whose parent is no longer the latest: two editors never fork the history', async () => {
      const first = await store.publish(revision(null, { 'a.yaml': { x: 1 } }));
      const [a, b] = await Promise.all([store.publish(revision(first!.id, { 'a.yaml': { x: 2 } })), store.publish(revision(first!.id, { 'a.yaml': { x: 3 } }))]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect(await store.publish(revision(null, { 'a.yaml': { x: 4 } }))).toBeUndefined();
    });

    it('saves a draft file only from the version the editor started from', async () => {
      expect(await store.saveDraft({ path: 'a.yaml', content: { x: 2 }, version: 'v2', updatedBy: claire, updatedAt: at }, null)).toBe(true);
      // Yann also started before any draft change: refused, nothing overwritten.
      expect(await store.saveDraft({ path: 'a.yaml', content: { x: 9 }, version: 'v9', updatedBy: yann, updatedAt: at }, null)).toBe(false);
      expect(await store.saveDraft({ path: 'a.yaml', content: { x: 9 }, version: 'v9', updatedBy: yann, updatedAt: at }, 'v1')).toBe(false);
      expect(await store.saveDraft({ path: 'a.yaml', content: { x: 3 }, version: 'v3', updatedBy: yann, updatedAt: at }, 'v2')).toBe(true);
      expect(await store.saveDraft({ path: 'b.yaml', content: null, version: 'retired', updatedBy: claire, updatedAt: at }, null)).toBe(true);
      expect(await store.draft()).toEqual([
        { path: 'a.yaml', content: { x: 3 }, version: 'v3', updatedBy: yann, updatedAt: at },
        { path: 'b.yaml', content: null, version: 'retired', updatedBy: claire, updatedAt: at },
      ]);
    });

    it('publishing clears only the draft files it published, at the version it read', async () => {
      await store.saveDraft({ path: 'a.yaml', content: { x: 2 }, version: 'v2', updatedBy: claire, updatedAt: at }, null);
      await store.saveDraft({ path: 'b.yaml', content: { y: 1 }, version: 'w1', updatedBy: claire, updatedAt: at }, null);
      // b.yaml was saved again after the publisher read the draft: that save stays.
      await store.saveDraft({ path: 'b.yaml', content: { y: 2 }, version: 'w2', updatedBy: yann, updatedAt: at }, 'w1');
      await store.publish(revision(null, { 'a.yaml': { x: 2 }, 'b.yaml': { y: 1 } }, { clearDraft: [{ path: 'a.yaml', version: 'v2' }, { path: 'b.yaml', version: 'w1' }] }));
      expect((await store.draft()).map((d) => [d.path, d.version])).toEqual([['b.yaml', 'w2']]);
      await store.discardDraft();
      expect(await store.draft()).toEqual([]);
    });

    if (reopen) {
      it('keeps revisions and the draft across a restart', async () => {
        await store.publish(revision(null, { 'a.yaml': { x: 1 } }));
        await store.saveDraft({ path: 'a.yaml', content: { x: 2 }, version: 'v2', updatedBy: claire, updatedAt: at }, null);
        store = await reopen(store);
        expect((await store.latest())?.id).toBeDefined();
        expect(await store.draft()).toHaveLength(1);
      });
    }

    it('a closed store refuses with a typed error', async () => {
      await store.close();
      await expect(store.latest()).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      expect(await store.ping()).toBe(false);
    });
  });
}
