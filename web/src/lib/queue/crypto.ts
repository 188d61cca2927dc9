// Device encryption of the offline queue. A random AES-256-GCM data key encrypts every queued item;
// the data key is stored only wrapped by a key derived from the monitor's passphrase (PBKDF2-SHA-256),
// so a seized phone holds ciphertext and a wrapped key, never a key usable from the device alone.

export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PASSPHRASE_LENGTH = 6;

export interface WrappedKey {
  salt: Uint8Array;
  iv: Uint8Array;
  wrapped: ArrayBuffer;
  iterations: number;
}

export interface Sealed {
  iv: Uint8Array;
  data: ArrayBuffer;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function random(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length));
}

async function passphraseKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(passphrase.normalize("NFC")), "PBKDF2", false,
    ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations }, material,
    { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
}

/** A new data key and its wrapped form; the returned key cannot be exported. */
export async function createDataKey(passphrase: string,
  iterations = PBKDF2_ITERATIONS): Promise<{ key: CryptoKey; wrapped: WrappedKey }> {
  const salt = random(16);
  const iv = random(12);
  const exportable = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
  const kek = await passphraseKey(passphrase, salt, iterations);
  const wrapped = await crypto.subtle.wrapKey("raw", exportable, kek, { name: "AES-GCM", iv });
  const record: WrappedKey = { salt, iv, wrapped, iterations };
  return { key: await unwrapDataKey(passphrase, record), wrapped: record };
}

/** The data key, unwrapped with the passphrase; throws WrongPassphrase when it does not open. */
export async function unwrapDataKey(passphrase: string, record: WrappedKey): Promise<CryptoKey> {
  const kek = await passphraseKey(passphrase, record.salt, record.iterations);
  try {
    return await crypto.subtle.unwrapKey("raw", record.wrapped, kek, { name: "AES-GCM", iv: record.iv as BufferSource },
      { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  } catch {
    throw new WrongPassphrase();
  }
}

export class WrongPassphrase extends Error {
  constructor() {
    super("wrong passphrase");
  }
}

/** Encrypts bytes; the additional data binds the ciphertext to its record (moved elsewhere, it fails). */
export async function sealBytes(key: CryptoKey, bytes: ArrayBuffer | Uint8Array, bind: string): Promise<Sealed> {
  const iv = random(12);
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(bind) }, key,
    bytes as BufferSource);
  return { iv, data };
}

export async function openBytes(key: CryptoKey, sealed: Sealed, bind: string): Promise<ArrayBuffer> {
  return crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv as BufferSource, additionalData: encoder.encode(bind) },
    key, sealed.data);
}

export async function sealJson(key: CryptoKey, value: unknown, bind: string): Promise<Sealed> {
  return sealBytes(key, encoder.encode(JSON.stringify(value)), bind);
}

export async function openJson<T>(key: CryptoKey, sealed: Sealed, bind: string): Promise<T> {
  return JSON.parse(decoder.decode(await openBytes(key, sealed, bind))) as T;
}

/** Hex SHA-256 of a file's bytes, as the service computes it at upload. */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
