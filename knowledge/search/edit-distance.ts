/**
 * Optimal string alignment distance (Levenshtein with adjacent transpositions), stopping
 * early once it exceeds `max`: "sejoure" is one edit from "sejour", "renouvelement" one
 * from "renouvellement".
 */

// Three rolling rows (a transposition looks two rows back), reused across calls: typo
// correction compares a word with hundreds of words of the vocabulary per query, and
// allocating a matrix each time cost more than the comparison itself.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  if (rowA.length < width) {
    rowA = new Int32Array(width * 2);
    rowB = new Int32Array(width * 2);
    rowC = new Int32Array(width * 2);
  }
  let twoBack = rowA; // row i - 2
  let prev = rowB; // row i - 1
  let row = rowC; // row i
  for (let j = 0; j < width; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (twoBack[j - 2] as number) + 1);
      row[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    const spare = twoBack;
    twoBack = prev;
    prev = row;
    row = spare;
  }
  return prev[b.length] as number;
}
