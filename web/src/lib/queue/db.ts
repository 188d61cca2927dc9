// A small promise wrapper over the device's IndexedDB database. Stores:
//   meta   the wrapped data key and the queue's sequence counter (no plaintext about anyone)
//   items  queued submissions, each sealed with the data key except its id and order
//   files  evidence bytes, sealed the same way
//   vocab  public vocabularies, in clear (they name places and categories, never people)
//   drafts forms being filled in, sealed like the items

export const DB_NAME = "redress-device";
const VERSION = 2;
export const STORES = ["meta", "items", "files", "vocab", "drafts"] as const;
export type StoreName = (typeof STORES)[number];

let opening: Promise<IDBDatabase> | null = null;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      for (const name of STORES) {
        if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name);
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

async function store(name: StoreName, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await openDb()).transaction(name, mode).objectStore(name);
}

export async function dbGet<T>(name: StoreName, key: string): Promise<T | undefined> {
  return request((await store(name, "readonly")).get(key)) as Promise<T | undefined>;
}

export async function dbPut(name: StoreName, key: string, value: unknown): Promise<void> {
  await request((await store(name, "readwrite")).put(value, key));
}

export async function dbDelete(name: StoreName, key: string): Promise<void> {
  await request((await store(name, "readwrite")).delete(key));
}

export async function dbAll<T>(name: StoreName): Promise<T[]> {
  return request((await store(name, "readonly")).getAll()) as Promise<T[]>;
}

export async function dbClear(name: StoreName): Promise<void> {
  await request((await store(name, "readwrite")).clear());
}

/** Deletes the whole database (the wipe); resolves once no copy remains. */
export async function dbDestroy(): Promise<void> {
  if (opening) {
    (await opening).close();
    opening = null;
  }
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve();
  });
}
