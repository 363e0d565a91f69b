/** The insights store contract, run by every implementation. */
import { InsightEvent, InsightsStore, UnansweredQuestion } from '../../storage/insights-store';

const event = (day: string, conversation: string, kind: InsightEvent['kind'], detail: string, extra: Partial<InsightEvent> = {}): InsightEvent => ({
  day,
  at: `${day}T10:00:00.000Z`,
  conversation,
  kind,
  detail,
  ...extra,
});
const question = (day: string, text: string, key: string): UnansweredQuestion => ({ day, at: `${day}T10:00:00.000Z`, conversation: 'c', lang: 'fr', reason: 'fallback', text, key });

export function insightsStoreContract(name: string, open: () => Promise<InsightsStore>, reopen?: (s: InsightsStore) => Promise<InsightsStore>): void {
  describe(`insights store contract: ${name}`, () => {
    let store: InsightsStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
    });

    it('counts events per day, kind, detail and entry, with the sum of values', async () => {
      await store.record(event('2026-11-23', 'a', 'question', 'answered', { entry: 'cni-passeport' }));
      await store.record(event('2026-11-23', 'b', 'question', 'answered', { entry: 'cni-passeport' }));
      await store.record(event('2026-11-23', 'a', 'rating', 'bot', { value: 4 }));
      await store.record(event('2026-11-23', 'b', 'rating', 'bot', { value: 5 }));
      await store.record(event('2026-11-24', 'c', 'question', 'notAnswered'));
      const counts = await store.dailyCounts('2026-11-23', '2026-11-23');
      expect(counts).toEqual(
        expect.arrayContaining([
          { day: '2026-11-23', kind: 'question', detail: 'answered', entry: 'cni-passeport', count: 2, sum: 0 },
          { day: '2026-11-23', kind: 'rating', detail: 'bot', entry: null, count: 2, sum: 9 },
        ]),
      );
      expect(counts).toHaveLength(2);
    });

    it('records a batch of events at once, counted as events recorded one by one', async () => {
      await store.recordMany([
        event('2026-11-23', 'a', 'question', 'answered', { entry: 'cni-passeport' }),
        event('2026-11-23', 'b', 'question', 'answered', { entry: 'cni-passeport' }),
        event('2026-11-23', 'b', 'rating', 'bot', { value: 3 }),
      ]);
      await store.recordMany([]);
      await store.record(event('2026-11-23', 'c', 'question', 'answered', { entry: 'cni-passeport' }));
      expect(await store.dailyCounts('2026-11-23', '2026-11-23')).toEqual(
        expect.arrayContaining([
          { day: '2026-11-23', kind: 'question', detail: 'answered', entry: 'cni-passeport', count: 3, sum: 0 },
          { day: '2026-11-23', kind: 'rating', detail: 'bot', entry: null, count: 1, sum: 3 },
        ]),
      );
      expect(await store.conversationsBetween('2026-11-23', '2026-11-23')).toBe(3);
    });

    it('counts distinct conversations per day and over a range', async () => {
      await store.record(event('2026-11-23', 'a', 'question', 'answered'));
      await store.record(event('2026-11-23', 'a', 'feedback', 'yes'));
      await store.record(event('2026-11-24', 'a', 'question', 'answered'));
      await store.record(event('2026-11-24', 'b', 'question', 'clarified'));
      expect(await store.conversationsPerDay('2026-11-23', '2026-11-24')).toEqual([
        { day: '2026-11-23', count: 1 },
        { day: '2026-11-24', count: 2 },
      ]);
      expect(await store.conversationsBetween('2026-11-23', '2026-11-24')).toBe(2);
    });

    it('groups unanswered questions by key, most frequent first, and lists the newest first', async () => {
      await store.addUnanswered(question('2026-11-23', 'horaires piscine', 'horaires piscine'));
      await store.addUnanswered(question('2026-11-23', 'Horaires piscine ?', 'horaires piscine'));
      await store.addUnanswered(question('2026-11-24', 'météo', 'meteo'));
      expect(await store.frequentUnanswered('2026-11-23', '2026-11-24', 10)).toEqual([
        { key: 'horaires piscine', text: expect.stringMatching(/oraires piscine/), count: 2 },
        { key: 'meteo', text: 'météo', count: 1 },
      ]);
      expect((await store.unanswered(2)).map((q) => q.text)).toEqual(['météo', 'Horaires piscine ?']);
      expect(await store.frequentUnanswered('2026-11-25', '2026-11-30', 10)).toEqual([]);
    });

    it('lets editors mark questions handled or dismissed: they leave the open list, once', async () => {
      await store.addUnanswered(question('2026-11-23', 'a', 'a'));
      await store.addUnanswered(question('2026-11-23', 'b', 'b'));
      const open = await store.openUnanswered(10);
      expect(open.map((q) => q.text)).toEqual(['b', 'a']);
      expect(await store.markUnanswered([open[0]!.id], 'dismissed')).toBe(1);
      expect(await store.markUnanswered([open[0]!.id], 'handled')).toBe(0);
      expect((await store.openUnanswered(10)).map((q) => q.text)).toEqual(['a']);
      // Still counted in the published results: it was asked.
      expect(await store.frequentUnanswered('2026-11-23', '2026-11-23', 10)).toHaveLength(2);
    });

    if (reopen) {
      it('keeps everything across a restart', async () => {
        await store.record(event('2026-11-23', 'a', 'question', 'answered'));
        await store.addUnanswered(question('2026-11-23', 'x', 'x'));
        store = await reopen(store);
        expect(await store.conversationsBetween('2026-11-23', '2026-11-23')).toBe(1);
        expect(await store.unanswered(5)).toHaveLength(1);
      });
    }

    it('retention: deletes unanswered questions before the cut-off day, keeps newer ones and every event', async () => {
      await store.record(event('2026-10-01', 'a', 'question', 'notAnswered'));
      await store.record(event('2026-11-20', 'b', 'question', 'notAnswered'));
      await store.addUnanswered(question('2026-10-01', 'une vieille question', 'vieille question'));
      await store.addUnanswered(question('2026-10-24', 'la veille du seuil', 'veille seuil'));
      await store.addUnanswered(question('2026-10-25', 'le jour du seuil', 'jour seuil'));
      await store.addUnanswered(question('2026-11-20', 'une question récente', 'question recente'));
      expect(await store.purgeUnansweredBefore('2026-10-25')).toBe(2);
      expect((await store.unanswered(10)).map((q) => q.text).sort()).toEqual(['le jour du seuil', 'une question récente']);
      // The indicators' counts come from events, which stay.
      expect(await store.dailyCounts('2026-10-01', '2026-11-30')).toHaveLength(2);
      expect(await store.conversationsBetween('2026-10-01', '2026-11-30')).toBe(2);
      expect(await store.purgeUnansweredBefore('2026-10-25')).toBe(0);
    });

    it('erasure: deletes one conversation\'s questions and unlinks its events, which stay counted', async () => {
      await store.record(event('2026-11-23', 'mine', 'question', 'notAnswered'));
      await store.record(event('2026-11-23', 'mine', 'rating', 'bot', { value: 5 }));
      await store.record(event('2026-11-23', 'other', 'question', 'answered'));
      await store.addUnanswered({ ...question('2026-11-23', 'ma question', 'ma question'), conversation: 'mine' });
      await store.addUnanswered({ ...question('2026-11-23', 'sa question', 'sa question'), conversation: 'other' });
      expect(await store.eraseConversation('mine', 'erased-1')).toEqual({ events: 2, questions: 1 });
      expect((await store.unanswered(10)).map((q) => q.conversation)).toEqual(['other']);
      expect(await store.conversationsBetween('2026-11-23', '2026-11-23')).toBe(2);
      const counts = await store.dailyCounts('2026-11-23', '2026-11-23');
      expect(counts.find((c) => c.kind === 'rating')).toMatchObject({ count: 1, sum: 5 });
      expect(await store.eraseConversation('mine', 'erased-2')).toEqual({ events: 0, questions: 0 });
    });

    it('a closed store refuses with a typed error and reports it is not alive', async () => {
      await store.close();
      await expect(store.record(event('2026-11-23', 'a', 'question', 'answered'))).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      expect(await store.ping()).toBe(false);
    });
  });
}
