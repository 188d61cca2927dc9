// The device vault: whether a passphrase protects this device, unlocking it, and wiping everything.
import { createDataKey, unwrapDataKey, type WrappedKey } from "./crypto";
import { dbDestroy, dbGet, dbPut } from "./db";

const WRAPPED = "wrapped-key";

export async function hasVault(): Promise<boolean> {
  return (await dbGet<WrappedKey>("meta", WRAPPED)) !== undefined;
}

/** Sets the passphrase on first use: a new data key, stored only wrapped. */
export async function createVault(passphrase: string): Promise<CryptoKey> {
  const { key, wrapped } = await createDataKey(passphrase);
  await dbPut("meta", WRAPPED, wrapped);
  return key;
}

export async function unlockVault(passphrase: string): Promise<CryptoKey> {
  const wrapped = await dbGet<WrappedKey>("meta", WRAPPED);
  if (!wrapped) throw new Error("no vault on this device");
  return unwrapDataKey(passphrase, wrapped);
}

/** Erases the queue, its files, the wrapped key and the cached vocabularies (sign-out). */
export async function eraseQueue(): Promise<void> {
  await dbDestroy();
  sessionStorage.clear();
}

/** Sign-out's erasure plus the offline shell, the service worker and the language choice: a clean device. */
export async function wipeDevice(): Promise<void> {
  await eraseQueue();
  localStorage.clear();
  if ("caches" in globalThis) {
    for (const name of await caches.keys()) await caches.delete(name);
  }
  if ("serviceWorker" in navigator) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  }
}
