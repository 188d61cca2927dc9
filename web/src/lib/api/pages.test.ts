import { describe, expect, it } from "vitest";
import { everyItem, type Paged } from "./pages";

/** A listing of `pages` pages of two items each, and the cursors it was asked for. */
function listing(pages: number) {
  const asked: (string | undefined)[] = [];
  const page = async (cursor: string | undefined): Promise<Paged<number>> => {
    asked.push(cursor);
    const n = cursor ? Number(cursor) : 0;
    return { items: [2 * n, 2 * n + 1], next_cursor: n + 1 < pages ? String(n + 1) : null };
  };
  return { page, asked };
}

describe("every item of a listing", () => {
  it("reads page after page with the cursor the service gave, until it gives none", async () => {
    const { page, asked } = listing(3);
    expect(await everyItem(page)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(asked).toEqual([undefined, "1", "2"]);
  });

  it("reads one page when the service gives no next cursor", async () => {
    const { page, asked } = listing(1);
    expect(await everyItem(page)).toEqual([0, 1]);
    expect(asked).toEqual([undefined]);
  });

  it("stops at its bound when the cursors never end", async () => {
    const { page, asked } = listing(Number.POSITIVE_INFINITY);
    expect(await everyItem(page, 4)).toHaveLength(8);
    expect(asked).toHaveLength(4);
  });
});
