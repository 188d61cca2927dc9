import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LAYOUT } from "./RegionMap";

// Education's own vocabulary, as the service ranks it: a region added there without a tile fails here.
const VOCABULARY = new URL("../../../../services/education/src/education/vocabularies/regions.json", import.meta.url);
const codes = (JSON.parse(readFileSync(VOCABULARY, "utf-8")) as { terms: { code: string }[] }).terms.map((t) => t.code);

describe("the schematic map of the regions", () => {
  it("has a tile for every region education ranks, and none for another", () => {
    expect(Object.keys(LAYOUT).sort()).toEqual([...codes].sort());
  });

  it("puts no two regions on the same tile", () => {
    const cells = Object.values(LAYOUT).map(([col, row]) => `${col},${row}`);
    expect(new Set(cells).size).toBe(cells.length);
  });
});
