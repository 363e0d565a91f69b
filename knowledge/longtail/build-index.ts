/**
 * Build step (`npm run build`, after tsc): writes the compact fiches index to
 * `dist/longtail/fiches-index.json`, or to the path given as first argument. Shipping the
 * built file spares the bot parsing ~400 MB of JSON at start-up.
 */
import * as fs from 'fs';
import { defaultFichesIndexPath, FichesIndexError, writeFichesIndex } from './fiches-index';

function main(): number {
  const file = process.argv[2] ?? defaultFichesIndexPath();
  const started = Date.now();
  try {
    const index = writeFichesIndex(file);
    const kb = Math.round(fs.statSync(file).size / 1024);
    console.log(`fiches index: ${index.fiches.length} fiches from ${index.source}@${index.packageVersion}, ${kb} KiB, ${Date.now() - started} ms -> ${file}`);
    return 0;
  } catch (e) {
    // A production install without the package still builds the bot: it just runs without
    // the long tail (openFichesIndex reports the same error at start-up).
    if (e instanceof FichesIndexError && e.reason === 'no-source') {
      console.warn(`fiches index not built: ${e.message}`);
      return 0;
    }
    console.error(e);
    return 1;
  }
}

process.exitCode = main();
