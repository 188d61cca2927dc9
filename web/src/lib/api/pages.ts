// Lists the services serve a page at a time: `{items, next_cursor}`, the cursor passed back as `cursor`.

export interface Paged<T> {
  items: T[];
  next_cursor?: string | null;
}

/** The largest page the services serve; the screens that show a whole list ask for it. */
export const PAGE_SIZE = 200;
// A bound on the pages one screen reads (10,000 items at PAGE_SIZE), so a cursor that never ends cannot
// hold the screen in a loop; no list a screen shows in full comes near it.
export const MAX_PAGES = 50;

/** Every item of a listing, read page after page until the service gives no next cursor (at most `maxPages`). */
export async function everyItem<T>(page: (cursor: string | undefined) => Promise<Paged<T>>,
  maxPages = MAX_PAGES): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let read = 0; read < maxPages; read++) {
    const found = await page(cursor);
    items.push(...found.items);
    cursor = found.next_cursor ?? undefined;
    if (!cursor) break;
  }
  return items;
}
