/**
 * The shipped knowledge base covers every id of the catalogue (`../shared/knowledge-catalogue.md`,
 * copied in `tests/fixtures/catalogue-ids.txt`), each complete in French and English, with
 * sources and a review date.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';

const ids = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'catalogue-ids.txt'), 'utf8').split('\n').filter(Boolean);
const kb = loadKnowledge(defaultContentDir());

it('lists the 57 catalogue ids', () => {
  expect(ids).toHaveLength(57);
});

it.each(ids)('%s exists, in French and English, with sources, words people use and a review date', (id) => {
  const e = kb.byId.get(id);
  expect(e).toBeDefined();
  expect(e!.kind).toBe(id.startsWith('erreur-') ? 'error' : id.startsWith('autre-') ? 'external' : 'procedure');
  expect(e!.text.fr.summary.length).toBeGreaterThan(40);
  expect(e!.text.en.summary.length).toBeGreaterThan(40);
  expect(e!.sources.length).toBeGreaterThan(0);
  expect(e!.terms.fr.length).toBeGreaterThanOrEqual(3);
  expect(Date.parse(e!.reviewed)).toBeLessThanOrEqual(Date.now());
});

it('every procedure the préfecture handles itself points to a directory service with a site', () => {
  for (const e of kb.entries.filter((x) => x.handler.service)) {
    const s = kb.services.get(e.handler.service!)!;
    const site = s.kind === 'site' ? s : kb.services.get(s.site!);
    expect(site?.address).toBeDefined();
  }
});

it('maps every commune of the Val-d\'Oise to a site', () => {
  expect(kb.communes.communes.length).toBeGreaterThan(180);
  const sites = [...kb.services.values()].filter((s) => s.kind === 'site');
  for (const c of kb.communes.communes) {
    expect(sites.filter((s) => s.arrondissements.includes(c.arrondissement))).toHaveLength(1);
  }
});
