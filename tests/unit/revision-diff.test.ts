/**
 * The revision diff an editor reviews before publishing: changes named by field, lists of
 * words shown whole, blocks compared one by one, and a version that follows the content.
 */
import { countChanges, contentVersion, diffContent, FileDiff, stableStringify } from '../../knowledge/revision-diff';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const cni = {
  id: 'cni-passeport',
  kind: 'procedure',
  reviewed: '2026-01-10',
  channels: [
    { type: 'online', url: 'https://ants.gouv.fr/', note: { fr: 'En ligne', en: 'Online' } },
    { type: 'counter', service: 'accueil' },
  ],
  sources: [{ url: 'https://www.service-public.fr/', title: 'Service public' }],
  terms: { fr: ['carte identité', 'passeport'], en: ['passport'] },
  text: {
    fr: { title: "Carte d'identité et passeport", prepare: ['Photo', 'Justificatif de domicile'], delays: 'Environ 3 semaines.' },
    en: { title: 'Identity card and passport', delays: 'About 3 weeks.' },
  },
};
const services = { id: 'accueil', name: { fr: 'Accueil' } };

/** The same content with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  return value;
}

function files(entries: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(entries));
}

describe('diffContent', () => {
  it('shows a changed delay as text.fr.delays with the old and new wording', () => {
    const after = clone(cni);
    after.text.fr.delays = 'Environ 6 semaines.';
    const diff = diffContent(files({ 'procedures/cni-passeport.yaml': cni }), files({ 'procedures/cni-passeport.yaml': after }));
    expect(diff).toEqual<FileDiff[]>([
      {
        path: 'procedures/cni-passeport.yaml',
        change: 'changed',
        fields: [{ field: 'text.fr.delays', before: 'Environ 3 semaines.', after: 'Environ 6 semaines.' }],
      },
    ]);
    expect(countChanges(diff)).toBe(1);
  });

  it('shows a word added to the terms as the whole list before and after', () => {
    const after = clone(cni);
    after.terms.fr.push('renouveler passeport');
    const [file] = diffContent(files({ 'p/cni.yaml': cni }), files({ 'p/cni.yaml': after }));
    expect(file.fields).toEqual([
      { field: 'terms.fr', before: ['carte identité', 'passeport'], after: ['carte identité', 'passeport', 'renouveler passeport'] },
    ]);
  });

  it('shows a removed sentence of a list of sentences as the whole list too', () => {
    const after = clone(cni);
    after.text.fr.prepare = ['Photo'];
    const [file] = diffContent(files({ f: cni }), files({ f: after }));
    expect(file.fields).toEqual([{ field: 'text.fr.prepare', before: ['Photo', 'Justificatif de domicile'], after: ['Photo'] }]);
  });

  it('compares channels and sources block by block, field by field', () => {
    const after = clone(cni);
    after.channels[0].url = 'https://ants.gouv.fr/demarches';
    after.channels[0].note!.en = 'On the web';
    after.sources[0].title = 'Service-Public.fr';
    const [file] = diffContent(files({ f: cni }), files({ f: after }));
    expect(file.fields).toEqual([
      { field: 'channels.0.note.en', before: 'Online', after: 'On the web' },
      { field: 'channels.0.url', before: 'https://ants.gouv.fr/', after: 'https://ants.gouv.fr/demarches' },
      { field: 'sources.0.title', before: 'Service public', after: 'Service-Public.fr' },
    ]);
  });

  it('shows an added channel as its fields, each with no value before', () => {
    const after = clone(cni);
    (after.channels as unknown[]).push({ type: 'phone', phone: '01 02 03 04 05' });
    const [file] = diffContent(files({ f: cni }), files({ f: after }));
    expect(file.fields).toEqual([
      { field: 'channels.2.phone', after: '01 02 03 04 05' },
      { field: 'channels.2.type', after: 'phone' },
    ]);
    expect(file.fields.every((f) => !('before' in f))).toBe(true);
  });

  it('shows a removed field with no value after, and a number or yes/no change as such', () => {
    const before = { id: 'x', text: { fr: { delays: 'Vite' } }, limit: 3, online: true };
    const after = { id: 'x', text: { fr: {} }, limit: 4, online: false };
    const [file] = diffContent(files({ f: before }), files({ f: after }));
    expect(file.fields).toEqual([
      { field: 'limit', before: 3, after: 4 },
      { field: 'online', before: true, after: false },
      { field: 'text.fr.delays', before: 'Vite' },
    ]);
  });

  it('lists added and removed files without their fields, sorted by path, and omits unchanged ones', () => {
    const diff = diffContent(
      files({ 'services/accueil.yaml': services, 'procedures/cni-passeport.yaml': cni }),
      files({ 'procedures/cni-passeport.yaml': clone(cni), 'procedures/armes.yaml': { id: 'armes' } }),
    );
    expect(diff).toEqual([
      { path: 'procedures/armes.yaml', change: 'added', fields: [] },
      { path: 'services/accueil.yaml', change: 'removed', fields: [] },
    ]);
    expect(countChanges(diff)).toBe(2);
  });

  it('finds nothing when only the key order differs', () => {
    const reordered = reverseKeys(cni);
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(cni));
    expect(diffContent(files({ f: cni }), files({ f: reordered }))).toEqual([]);
  });

  it('counts every field of every changed file', () => {
    const a = clone(cni);
    a.reviewed = '2026-02-01';
    a.text.en.delays = 'About 6 weeks.';
    const diff = diffContent(files({ f: cni, g: services }), files({ f: a, g: { id: 'accueil', name: { fr: 'Accueil général' } } }));
    expect(diff.map((d) => [d.path, d.fields.map((f) => f.field)])).toEqual([
      ['f', ['reviewed', 'text.en.delays']],
      ['g', ['name.fr']],
    ]);
    expect(countChanges(diff)).toBe(3);
  });
});

describe('stableStringify', () => {
  it('sorts keys at every depth and keeps list order', () => {
    expect(stableStringify({ b: 1, a: { d: [3, 1], c: 'é' } })).toBe('{"a":{"c":"é","d":[3,1]},"b":1}');
  });
  it('writes a Map like the equivalent object and drops undefined members', () => {
    expect(stableStringify(new Map<string, unknown>([['z', 1], ['a', undefined], ['m', null]]))).toBe('{"m":null,"z":1}');
  });
  it('refuses circular structures', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => stableStringify(loop)).toThrow(TypeError);
  });
});

describe('contentVersion', () => {
  const revision = files({ 'procedures/cni-passeport.yaml': cni, 'services/accueil.yaml': services });

  it('is 16 hexadecimal characters and the same for the same content', () => {
    expect(contentVersion(revision)).toMatch(/^[0-9a-f]{16}$/);
    expect(contentVersion(files({ 'services/accueil.yaml': clone(services), 'procedures/cni-passeport.yaml': clone(cni) }))).toBe(contentVersion(revision));
  });

  it('does not change with the key order', () => {
    const reordered = reverseKeys(cni);
    expect(contentVersion(files({ 'procedures/cni-passeport.yaml': reordered, 'services/accueil.yaml': services }))).toBe(contentVersion(revision));
  });

  it('changes with any change of content', () => {
    const delay = clone(cni);
    delay.text.fr.delays = 'Environ 6 semaines.';
    const word = clone(cni);
    word.terms.fr.push('cni');
    const order = clone(cni);
    order.terms.fr.reverse();
    const versions = [
      revision,
      files({ 'procedures/cni-passeport.yaml': delay, 'services/accueil.yaml': services }),
      files({ 'procedures/cni-passeport.yaml': word, 'services/accueil.yaml': services }),
      files({ 'procedures/cni-passeport.yaml': order, 'services/accueil.yaml': services }),
      files({ 'procedures/cni-passeport.yaml': cni }),
      files({ 'procedures/cni-passeport.yaml': cni, 'services/accueil2.yaml': services }),
    ].map(contentVersion);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('tells a number from the same digits as text', () => {
    expect(contentVersion({ limit: 3 })).not.toBe(contentVersion({ limit: '3' }));
  });
});
