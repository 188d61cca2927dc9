import { describe, expect, it } from "vitest";
import { barLengths } from "./Chart";

describe("bar lengths of a protected series", () => {
  it("gives a withheld entry no bar at all", () => {
    expect(barLengths([12, "<5", 6, "x"], 100)).toEqual([100, null, 50, null]);
  });

  it("scales on published values only, so no length hints at a withheld count", () => {
    expect(barLengths([3 * 4, "<5"], 60)).toEqual(barLengths([12, "x"], 60));
  });

  it("draws nothing long when every entry is withheld or zero", () => {
    expect(barLengths(["<5", 0], 100)).toEqual([null, 0]);
  });
});
