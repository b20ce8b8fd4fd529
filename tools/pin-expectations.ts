// Completes short fixture expectations from what the linter reports: `# expect: rule-id` on a line becomes
// `# expect: rule-id/messageId@column` for that rule's finding on that line (and `# expect-file: rule-id`, or a
// `.expect` sidecar line, becomes `rule-id/messageId`). You still decide which line and which rule; the tool only
// writes down the message and the column, so read what it wrote: a column that points at the wrong token is a bug
// in the rule (or in the path it reports), not something to pin.
//
//   npm run build:tools && node dist-tools/tools/pin-expectations.js [fixture ...]   (default: every rule fixture)
import { readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import {
  ROOT,
  type ExpectationComment,
  type ExpectationItem,
  expectationComments,
  lintFixture,
  ruleFixtures,
} from "../test/helpers/fixtures.js";

const keyOf = (line: number | undefined, ruleId: string) => `${line ?? "file"} ${ruleId}`;

/** New text for each short item, or the reason the fixture and the linter disagree. */
async function pins(path: string, comments: readonly ExpectationComment[]): Promise<Map<ExpectationItem, string> | string> {
  const result = await lintFixture(path);
  const pool = new Map<string, string[]>();
  for (const d of result.diagnostics) {
    const key = keyOf(d.span?.line, d.ruleId);
    const text = d.span ? `${d.ruleId}/${d.messageId}@${d.span.column}` : `${d.ruleId}/${d.messageId}`;
    pool.set(key, [...(pool.get(key) ?? []), text]);
  }
  const short: [string, ExpectationItem][] = [];
  for (const c of comments) {
    const line = c.scope === "file" ? undefined : c.line;
    for (const item of c.items) {
      const key = keyOf(line, item.ruleId);
      if (!item.messageId) {
        short.push([key, item]);
        continue;
      }
      const left = pool.get(key) ?? [];
      const at = left.indexOf(item.text);
      if (at < 0) return `${line ?? "file"}: "${item.text}" is not reported`;
      left.splice(at, 1);
    }
  }
  const out = new Map<ExpectationItem, string>();
  const wanted = new Map<string, number>();
  for (const [key] of short) wanted.set(key, (wanted.get(key) ?? 0) + 1);
  for (const [key, count] of wanted) {
    const left = pool.get(key) ?? [];
    if (left.length !== count) return `${key}: ${count} expected, the linter reports ${left.length} (${left.join(", ") || "none"})`;
  }
  for (const [key, item] of short) {
    const byColumn = (pool.get(key) ?? []).sort((a, b) => Number(a.split("@")[1] ?? 0) - Number(b.split("@")[1] ?? 0));
    out.set(item, byColumn.shift()!);
  }
  return out;
}

function rewrite(text: string, comments: readonly ExpectationComment[], pinned: ReadonlyMap<ExpectationItem, string>): string {
  const lines = text.split("\n");
  comments.forEach((c, i) => {
    const index = c.line === undefined ? i : c.line - 1;
    const line = lines[index] ?? "";
    const items = c.items.map((item) => pinned.get(item) ?? item.text).join(", ");
    lines[index] = `${line.slice(0, c.from)}${c.line === undefined ? "" : " "}${items}${line.slice(c.to)}`;
  });
  return lines.join("\n");
}

const targets = process.argv.length > 2 ? process.argv.slice(2).map((p) => resolve(p)) : ruleFixtures().map((f) => f.path);
let failed = 0;
for (const path of targets) {
  const comments = expectationComments(path);
  if (!comments.some((c) => c.items.some((i) => !i.messageId))) continue;
  const pinned = await pins(path, comments);
  if (typeof pinned === "string") {
    console.error(`${relative(ROOT, path)}: left as it is, ${pinned}`);
    failed++;
    continue;
  }
  const inSidecar = comments.filter((c) => c.line === undefined);
  const inFile = comments.filter((c) => c.line !== undefined);
  if (inSidecar.length) {
    const sidecar = `${path}.expect`;
    const kept = readFileSync(sidecar, "utf8").split("\n").filter((l) => l.trim());
    writeFileSync(sidecar, `${rewrite(kept.join("\n"), inSidecar, pinned)}\n`);
  }
  if (inFile.length) writeFileSync(path, rewrite(readFileSync(path, "utf8"), inFile, pinned));
  console.log(`${relative(ROOT, path)}: ${pinned.size} pinned`);
}
process.exitCode = failed ? 1 : 0;
