/** Every string a person reads exists in every language the bot answers in. */
import * as fs from 'fs';
import * as path from 'path';
import { UI_LANGUAGES, translator } from '../../bot/i18n';

const keysOf = (o: Record<string, unknown>, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keysOf(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
const read = (lng: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'locales', lng, 'translation.json'), 'utf8'));

const reference = keysOf(read('fr')).sort();
/** The agents' side (Teams) is written for the préfecture's agents: French and English only. */
const forLang = (lng: string) => (lng === 'en' ? reference : reference.filter((k) => !k.startsWith('teams.')));

it.each(UI_LANGUAGES.filter((l) => l !== 'fr'))('%s has exactly the keys of fr, each translated and with the same placeholders', (lng) => {
  const other = read(lng);
  expect(keysOf(other).sort()).toEqual(forLang(lng));
  const t = translator(lng);
  const f = translator('fr');
  for (const key of forLang(lng)) {
    const placeholders = (s: string) => (s.match(/{{\w+}}/g) ?? []).sort();
    const raw = key.split('.').reduce((o: any, k) => o[k], other) as string;
    const rawFr = key.split('.').reduce((o: any, k) => o[k], read('fr')) as string;
    expect(placeholders(raw)).toEqual(placeholders(rawFr));
    // A few words are the same in both languages ("Contact").
    if (!['feedback.no', 'teams.contact', 'teams.minutes'].includes(key)) expect(t(key, { date: 'd', contact: 'c', length: 1, max: 2 })).not.toBe(f(key, { date: 'd', contact: 'c', length: 1, max: 2 }));
  }
});
