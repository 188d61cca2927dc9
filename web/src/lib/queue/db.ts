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
    req.onsuccess = () => {
      // A sign-out or a wipe in another tab deletes the database: let go of it at once.
      req.result.onversionchange = () => {
        req.result.close();
        opening = null;
      };
      resolve(req.result);
    };
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

/** Empties every store, then deletes the database (sign-out, wipe). The stores are emptied first in one
 * transaction, so nothing stays readable even while the deletion waits for another tab to let go. */
export async function dbDestroy(): Promise<void> {
  const db = await openDb();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction([...STORES], "readwrite");
    for (const name of STORES) tx.objectStore(name).clear();
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
  opening = null;
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    // Another tab still has it open: it is told to close (onversionchange) and the stores are already empty.
    req.onblocked = () => setTimeout(resolve, 1000);
  });
}
