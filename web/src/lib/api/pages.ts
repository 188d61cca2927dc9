// Lists the services serve a page at a time: `{items, next_cursor}`, the cursor passed back as `cursor`.

export interface Paged<T> {
  items: T[];
  next_cursor?: string | null;
}

/** Every item of a listing, read page after page until the service gives no next cursor. */
export async function everyItem<T>(page: (cursor: string | undefined) => Promise<Paged<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const read = await page(cursor);
    items.push(...read.items);
    cursor = read.next_cursor ?? undefined;
  } while (cursor);
  return items;
}
