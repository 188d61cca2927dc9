// Reading and replacing one value of a queued payload at a problem's field path ("body.identity.phone").

export function pathOf(field: string): string[] {
  const parts = field.split(".");
  return parts[0] === "body" ? parts.slice(1) : parts;
}

export function valueAt(payload: unknown, path: string[]): unknown {
  let current: unknown = payload;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A copy of the payload with the value at path replaced (arrays stay arrays). */
export function withValueAt<T>(payload: T, path: string[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(payload)) {
    const copy = [...payload];
    copy[Number(head)] = withValueAt(copy[Number(head)], rest, value);
    return copy as T;
  }
  const record = (payload ?? {}) as Record<string, unknown>;
  return { ...record, [head]: withValueAt(record[head], rest, value) } as T;
}
