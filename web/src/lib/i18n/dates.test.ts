import { describe, expect, it } from "vitest";
import { formatDay, formatInstant, todayInBamako } from "./dates";

describe("dates in Africa/Bamako, French formats", () => {
  it("writes a day, a month and a year at their precision", () => {
    expect(formatDay("2024-03-05", "fr")).toBe("5 mars 2024");
    expect(formatDay("2024-03-01", "fr", "month")).toBe("mars 2024");
    expect(formatDay("2024-01-01", "fr", "year")).toBe("2024");
  });

  it("writes an instant in Bamako time with the French hour", () => {
    expect(formatInstant("2024-03-05T14:03:00Z", "fr")).toBe("5 mars 2024 à 14:03");
  });

  it("gives today's date as Bamako sees it", () => {
    expect(todayInBamako(new Date("2024-03-05T23:30:00Z"))).toBe("2024-03-05");
  });

  it("writes the first of the month as an ordinal in French only", () => {
    expect(formatDay("2021-01-01", "fr")).toBe("1er janvier 2021");
    expect(formatInstant("2024-03-01T09:00:00Z", "fr")).toBe("1er mars 2024 à 09:00");
    expect(formatDay("2024-03-11", "fr")).toBe("11 mars 2024");
    expect(formatDay("2024-03-01", "en")).toBe("1 March 2024");
  });

  it("writes English dates when English is chosen", () => {
    expect(formatDay("2024-03-05", "en")).toBe("5 March 2024");
  });
});
