/** The handoff store contract, run by every implementation. */
import { HandoffRequest, HandoffStore } from '../../storage/handoff-store';

/** Lets the clock move on, so that rows written before and after a cut-off differ. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 25));

const base = (conversationId: string): Omit<HandoffRequest, 'id' | 'createdAt'> => ({
  conversationId,
  channelId: 'directline',
  reference: { conversation: { id: conversationId } },
  lang: 'fr',
  topic: 'titre-sejour-renouvellement',
  summary: 'renouvellement titre de séjour',
  state: 'waiting',
});

export function handoffStoreContract(name: string, open: () => Promise<HandoffStore>, reopen?: (s: HandoffStore) => Promise<HandoffStore>): void {
  describe(`handoff store contract: ${name}`, () => {
    let store: HandoffStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
    });

    it('queues requests in arrival order with their positions', async () => {
      const a = await store.create(base('a'));
      const b = await store.create(base('b'));
      const c = await store.create(base('c'));
      expect(await store.position(a.id)).toBe(1);
      expect(await store.position(c.id)).toBe(3);
      expect((await store.waiting()).map((r) => r.conversationId)).toEqual(['a', 'b', 'c']);
      await store.setState(a.id, 'cancelled');
      expect(await store.position(b.id)).toBe(1);
      expect(await store.position(a.id)).toBe(0);
      expect(await store.active('a')).toBeUndefined();
      expect((await store.active('b'))?.id).toBe(b.id);
    });

    it('gives a request to exactly one of two agents taking it at once', async () => {
      const r = await store.create(base('race'));
      const results = await Promise.all([store.take(r.id, { id: 'a1', name: 'Alice' }), store.take(r.id, { id: 'a2', name: 'Bob' })]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const taken = await store.get(r.id);
      expect(taken?.state).toBe('agent');
      expect(['Alice', 'Bob']).toContain(taken?.owner?.name);
      expect((await store.recentWaits(10)).length).toBe(1);
    });

    it('lists the requests created in a period, with when they were taken and their rating (for the indicators)', async () => {
      const before = new Date(Date.now() - 60_000).toISOString();
      const r = await store.create(base('period'));
      await store.create(base('period-2'));
      await store.take(r.id, { id: 'a1', name: 'Alice' });
      await store.rate(r.id, 4);
      const after = new Date(Date.now() + 60_000).toISOString();
      const listed = await store.createdBetween(before, after);
      expect(listed).toHaveLength(2);
      const taken = listed.find((x) => x.takenAt);
      expect(taken).toMatchObject({ state: 'agent', rating: 4 });
      expect(await store.createdBetween(after, after)).toEqual([]);
    });

    it('puts a request back in the queue without its owner', async () => {
      const r = await store.create(base('back'));
      await store.take(r.id, { id: 'a1', name: 'Alice' });
      await store.setState(r.id, 'waiting');
      expect(await store.get(r.id)).toMatchObject({ state: 'waiting', owner: undefined });
    });

    it('finds a request by the agents\' thread it was posted to', async () => {
      const r = await store.create(base('th'));
      const thread = { reference: { conversation: { id: '19:abc@thread.tacv2;messageid=17' } }, conversationId: '19:abc@thread.tacv2;messageid=17', cardActivityId: '17' };
      await store.attachThread(r.id, thread);
      expect((await store.byThread('19:abc@thread.tacv2;messageid=17'))?.id).toBe(r.id);
      expect(await store.byThread('19:other@thread.tacv2;messageid=17')).toBeUndefined();
      expect(await store.byThread('19:abc@thread.tacv2;messageid=18')).toBeUndefined();
      expect((await store.get(r.id))?.thread).toEqual(thread);
    });

    it('finds the latest request of a conversation, those with an agent, and records a rating', async () => {
      const first = await store.create(base('l'));
      await store.setState(first.id, 'cancelled');
      const second = await store.create(base('l'));
      expect((await store.latest('l'))?.id).toBe(second.id);
      await store.take(second.id, { id: 'a', name: 'Alice' });
      expect((await store.withAgent()).map((r) => r.id)).toEqual([second.id]);
      await store.setState(second.id, 'closed');
      await store.rate(second.id, 4, 'rapide et clair');
      expect(await store.get(second.id)).toMatchObject({ rating: 4, comment: 'rapide et clair', state: 'closed' });
    });

    it('keeps transcripts in order, and messages left while closed', async () => {
      const r = await store.create(base('t'));
      await store.appendTranscript(r.id, { from: 'person', text: 'bonjour' });
      await store.appendTranscript(r.id, { from: 'agent', text: 'bonjour, je vous écoute' });
      expect((await store.transcript(r.id)).map((l) => `${l.from}:${l.text}`)).toEqual(['person:bonjour', 'agent:bonjour, je vous écoute']);
      const m = await store.create({ ...base('m'), state: 'message', contact: 'x@example.org', message: 'rappelez-moi' });
      expect((await store.messages()).map((x) => x.id)).toEqual([m.id]);
    });

    it('retention: clears transcripts and texts of requests ended before the cut-off, keeps their aggregates and every other request', async () => {
      const old = await store.create(base('old'));
      await store.appendTranscript(old.id, { from: 'person', text: 'mon mail est a.b@example.fr' });
      await store.take(old.id, { id: 'a1', name: 'Alice' });
      await store.setState(old.id, 'closed');
      await store.rate(old.id, 4, 'merci Alice, joignable au 06 12 34 56 78');
      const left = await store.create({ ...base('left'), state: 'message', contact: 'a.b@example.fr', message: 'rappelez-moi' });
      const ongoing = await store.create(base('ongoing'));
      await store.appendTranscript(ongoing.id, { from: 'person', text: 'toujours là ?' });
      await tick();
      const cutoff = new Date().toISOString();
      await tick();
      const recent = await store.create(base('recent'));
      await store.appendTranscript(recent.id, { from: 'person', text: 'récent' });
      await store.setState(recent.id, 'cancelled');

      expect(await store.purgeEndedBefore(cutoff)).toEqual({ requests: 1, lines: 1 });
      const purged = (await store.get(old.id))!;
      expect(await store.transcript(old.id)).toEqual([]);
      expect(purged).toMatchObject({ state: 'closed', rating: 4, topic: 'titre-sejour-renouvellement', lang: 'fr', conversationId: 'old', summary: '' });
      expect(purged.comment).toBeUndefined();
      expect(purged.takenAt).toBeDefined();
      expect(purged.closedAt).toBeDefined();
      expect(JSON.stringify(purged)).not.toContain('06 12');
      // The indicators still count it, with its wait and rating.
      const counted = await store.createdBetween('2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z');
      expect(counted).toHaveLength(4);
      expect(counted.find((r) => r.rating === 4)).toMatchObject({ state: 'closed' });
      // Not ended, or ended after the cut-off: untouched.
      expect((await store.get(left.id))?.contact).toBe('a.b@example.fr');
      expect((await store.transcript(ongoing.id)).map((l) => l.text)).toEqual(['toujours là ?']);
      expect((await store.transcript(recent.id)).map((l) => l.text)).toEqual(['récent']);
      expect(await store.purgeEndedBefore(cutoff)).toEqual({ requests: 0, lines: 0 });
    });

    it('erasure: clears and unlinks every request of one conversation, keeps the aggregates, touches no other', async () => {
      const mine = await store.create(base('mine'));
      await store.appendTranscript(mine.id, { from: 'person', text: 'né le 3 mars 1985' });
      await store.setState(mine.id, 'cancelled');
      const earlier = await store.create({ ...base('mine'), state: 'message', contact: '06 12 34 56 78', message: 'rappelez-moi' });
      const other = await store.create(base('other'));
      await store.appendTranscript(other.id, { from: 'person', text: 'autre' });
      expect(await store.eraseConversation('mine')).toEqual({ requests: 2, lines: 1 });
      expect(await store.latest('mine')).toBeUndefined();
      expect(await store.transcript(mine.id)).toEqual([]);
      expect(await store.get(mine.id)).toMatchObject({ state: 'cancelled', conversationId: '', summary: '', reference: {} });
      expect((await store.get(earlier.id))?.contact).toBeUndefined();
      expect((await store.transcript(other.id)).map((l) => l.text)).toEqual(['autre']);
      expect(await store.get(other.id)).toMatchObject({ conversationId: 'other', summary: 'renouvellement titre de séjour' });
      expect(await store.eraseConversation('mine')).toEqual({ requests: 0, lines: 0 });
    });

    if (reopen) {
      it('keeps requests and transcripts after being reopened', async () => {
        const r = await store.create(base('d'));
        await store.appendTranscript(r.id, { from: 'person', text: 'toujours là ?' });
        store = await reopen(store);
        expect(await store.position(r.id)).toBe(1);
        expect((await store.transcript(r.id))[0]?.text).toBe('toujours là ?');
      });
    }
  });
}
