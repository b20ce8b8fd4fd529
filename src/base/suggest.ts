// "Did you mean" for names a person typed: rule ids, codes, options, service accounts. A name is suggested when it is
// within a few edits of what was typed (a third of its length, at least two), or when it is the one name that starts
// with what was typed; only the nearest one.

/** Edits (insertions, deletions, substitutions, swaps of neighbours) that turn `a` into `b`, stopping past `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = Array.from({ length: b.length + 1 }, (_, j) => j);
  let previous = before;
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length]!;
}

/** The candidate nearest to `typed` (case-insensitively), if one is close enough to be what was meant. */
export function nearest(typed: string, candidates: Iterable<string>): string | undefined {
  const word = typed.toLowerCase();
  const list = [...candidates];
  // A shortened name (`warn` for `warning`) is what was meant, however many letters are missing.
  const longer = word.length >= 3 ? list.filter((c) => c.toLowerCase().startsWith(word)) : [];
  if (longer.length === 1) return longer[0];
  const limit = Math.max(2, Math.floor(word.length / 3));
  let found: string | undefined;
  let distance = limit + 1;
  for (const candidate of list) {
    const d = editDistance(word, candidate.toLowerCase(), distance - 1);
    if (d < distance) {
      distance = d;
      found = candidate;
    }
  }
  return found;
}

/** ` (did you mean "x"?)`, or nothing when no candidate is near. */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const found = nearest(typed, candidates);
  return found === undefined ? "" : ` (did you mean "${found}"?)`;
}
