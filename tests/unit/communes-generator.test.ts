import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { buildCommunes, renderCommunes } from '../../knowledge/tools/generate-communes';
import { defaultContentDir } from '../../knowledge/paths';

it('the committed communes file is exactly what the generator writes from the INSEE data', () => {
  const file = path.join(defaultContentDir(), 'directory', 'communes.yaml');
  const committed = fs.readFileSync(file, 'utf8');
  const reviewed = (parse(committed) as { reviewed: string }).reviewed;
  const pkg = path.dirname(require.resolve('@etalab/decoupage-administratif/package.json'));
  const data = buildCommunes(pkg, reviewed);
  expect(renderCommunes(data)).toBe(committed);
  const sarcelles = data.communes.find((c) => c.name === 'Sarcelles');
  expect(data.arrondissements.find((a) => a.code === sarcelles?.arrondissement)?.name).toBe('Sarcelles');
});
