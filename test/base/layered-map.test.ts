import { describe, expect, it } from "vitest";
import { LayeredMap } from "../../src/base/layered-map.js";

describe("LayeredMap", () => {
  it("answers from its own layer first, leaves the original alone, and hides deleted keys", () => {
    const base = LayeredMap.of(new Map([["a", 1], ["b", 2]]));
    const child = base.derive();
    child.set("a", 10);
    child.delete("b");
    child.set("c", 3);
    expect([child.get("a"), child.get("b"), child.get("c")]).toEqual([10, undefined, 3]);
    expect([base.get("a"), base.get("b"), base.get("c")]).toEqual([1, 2, undefined]);
    expect([...child.entries()].sort()).toEqual([["a", 10], ["c", 3]]);
  });

  it("flattens long chains and keeps every live entry", () => {
    let map = LayeredMap.of(new Map<string, number>());
    for (let i = 0; i < 50; i++) {
      map = map.derive();
      map.set(`k${i}`, i);
      if (i % 3 === 0) map.delete(`k${i - 1}`);
    }
    const live = [...map.entries()];
    expect(live.length).toBe(50 - 16);
    expect(map.get("k49")).toBe(49);
    expect(map.get("k2")).toBeUndefined();
  });
});
