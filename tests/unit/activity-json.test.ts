/**
 * The bytes of an activity's JSON (`activityJsonBytes`): the same JSON value as
 * `JSON.stringify` for every shape, a shared answer card's bytes made once and kept.
 */
import { MessageFactory } from 'botbuilder';
import { activityJsonBytes } from '../../bot/activity-json';
import { translator } from '../../bot/i18n';
import { entryCard } from '../../dialogs/cards/entry-card';
import { isShared, markShared } from '../../dialogs/cards/shared-attachments';
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';

const parsed = (a: Record<string, unknown>) => JSON.parse(activityJsonBytes(a).toString('utf8'));
const expected = (a: Record<string, unknown>) => JSON.parse(JSON.stringify(a));

describe('activityJsonBytes', () => {
  const kb = loadKnowledge(defaultContentDir());
  const t = translator('fr');
  const card = entryCard(kb, kb.entries[0]!, 'fr', t, { closingQuestion: t('feedback.question') });

  it('marks the answer cards shared, and nothing else', () => {
    expect(isShared(card)).toBe(true);
    expect(isShared({ ...card })).toBe(false);
    expect(isShared(undefined)).toBe(false);
  });

  it('gives the JSON value of JSON.stringify for every shape', () => {
    const reply = { ...MessageFactory.suggestedActions(['Oui', 'Non']), attachments: [card], locale: 'fr-FR', timestamp: new Date('2026-11-24T10:00:00Z') };
    const shapes: Array<Record<string, unknown>> = [
      reply as Record<string, unknown>,
      { attachments: [card] },
      { type: 'message', attachments: [card, { contentType: 'text/plain', content: 'à côté' }, card] },
      { type: 'message', attachments: [undefined, card, null] },
      { type: 'message', attachments: [{ contentType: 'application/json', content: { é: 1 } }] },
      { type: 'message', attachments: [] },
      { type: 'message', text: 'مرحبا 😀', value: { nested: [1, 'deux'] }, skipped: undefined },
      {},
    ];
    for (const a of shapes) expect(parsed(a)).toEqual(expected(a));
  });

  it('is valid UTF-8 JSON text, whatever the script', () => {
    const a = { type: 'message', text: 'Préfecture · 你好 · 😀', attachments: [card] };
    const bytes = activityJsonBytes(a);
    expect(bytes.equals(Buffer.from(bytes.toString('utf8'), 'utf8'))).toBe(true);
    expect(() => JSON.parse(bytes.toString('utf8'))).not.toThrow();
  });

  it('makes a shared card\'s JSON once, however many replies carry it', () => {
    const spy = jest.spyOn(JSON, 'stringify');
    try {
      const fresh = markShared(Object.freeze({ contentType: 'application/vnd.microsoft.card.adaptive', content: Object.freeze({ type: 'AdaptiveCard', body: Object.freeze([]) }) }));
      for (let i = 0; i < 3; i++) activityJsonBytes({ type: 'message', attachments: [fresh] });
      expect(spy.mock.calls.filter(([v]) => v === fresh)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('writes an attachment that is not shared as it is at each reply (it may change)', () => {
    const mutable = { contentType: 'text/plain', content: 'avant' };
    const a = { type: 'message', attachments: [card, mutable] };
    expect(parsed(a).attachments[1].content).toBe('avant');
    mutable.content = 'après';
    expect(parsed(a).attachments[1].content).toBe('après');
  });
});
