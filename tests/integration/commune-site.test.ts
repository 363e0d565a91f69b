/**
 * A person who names their commune is pointed to the site serving it (commune →
 * arrondissement → préfecture or sous-préfecture), with whether it is open now or when it
 * opens (Europe/Paris, holidays). Online procedures and other administrations are unchanged.
 */
import { translator } from '../../bot/i18n';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { cardOf, cardTexts, closingQuestion, startTestApp, suggestions, tempDir, TestConversation } from '../helpers/bot-harness';
import type { App } from '../../bot/server';

const fr = translator('fr');
let stub: ConnectorStub;
beforeAll(async () => {
  stub = await startConnectorStub();
});
afterAll(async () => stub.close());

async function ask(now: Date, text: string): Promise<string[]> {
  const data = tempDir('commune-');
  const app: App = await startTestApp(data.dir, {}, undefined, undefined, () => now);
  try {
    const c = new TestConversation(app, stub);
    const [first] = await c.say(text, 1);
    // An answer comes as a card; a choice is answered by picking the first procedure offered.
    const answer = cardOf(first!) ? first! : (await c.say(suggestions(first!)[0]!, 1))[0]!;
    const card = cardOf(answer);
    expect(card).toBeDefined();
    expect(closingQuestion(answer)).toBe(fr('feedback.question'));
    return cardTexts(card);
  } finally {
    await app.close();
    data.cleanup();
  }
}

it('points a person of Sarcelles to the sous-préfecture of Sarcelles, open now on a Monday morning', async () => {
  const texts = (await ask(new Date('2026-11-23T09:00:00Z'), "j'habite à Sarcelles, où renouveler mon titre de séjour ?")).join('\n');
  expect(texts).toContain(fr('card.yourSite', { commune: 'Sarcelles' }));
  expect(texts).toContain('Sous-préfecture de Sarcelles');
  expect(texts).toContain(fr('card.openNow'));
});

it('says when it opens on a public holiday (11 November) for a person of Argenteuil', async () => {
  const texts = (await ask(new Date('2026-11-11T09:00:00Z'), 'je suis de Argenteuil, rendez-vous pour mon titre de séjour')).join('\n');
  expect(texts).toContain("Sous-préfecture d'Argenteuil");
  expect(texts.split('\n').some((l) => l.includes('Fermé en ce moment') && l.includes('jeudi 12 novembre'))).toBe(true);
});
