// The device's queue as React state: the vault (locked or not), the items, and the sync loop that runs
// whenever the device is unlocked, online and signed in.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Outbox, type NewItem } from "./outbox";
import type { QueueItem } from "./model";
import type { Sender } from "./sync";
import { syncPass } from "./sync";
import { createVault, eraseQueue, hasVault, unlockVault, wipeDevice } from "./vault";

export type VaultState = "checking" | "none" | "locked" | "unlocked";

interface Device {
  vault: VaultState;
  items: QueueItem[];
  online: boolean;
  syncing: boolean;
  needsSignIn: boolean;
  outbox: Outbox | null;
  create: (passphrase: string) => Promise<void>;
  unlock: (passphrase: string) => Promise<void>;
  enqueue: (item: NewItem) => Promise<QueueItem>;
  correct: (item: QueueItem, payload: Record<string, unknown>) => Promise<void>;
  discard: (id: string) => Promise<void>;
  purgeDone: () => Promise<void>;
  syncNow: () => void;
  erase: () => Promise<void>;
  wipe: () => Promise<void>;
}

const DeviceContext = createContext<Device | null>(null);

export function unsynced(items: QueueItem[]): QueueItem[] {
  return items.filter((item) => item.state !== "done");
}

export function DeviceProvider({ sender, signedIn, children }:
  { sender: ((outbox: Outbox) => Sender) | null; signedIn: boolean; children: ReactNode }) {
  const [vault, setVault] = useState<VaultState>("checking");
  const [outbox, setOutbox] = useState<Outbox | null>(null);
  const [items, setItems] = useState<QueueItem[]>([]);
  const [online, setOnline] = useState(navigator.onLine);
  const [syncing, setSyncing] = useState(false);
  const [needsSignIn, setNeedsSignIn] = useState(false);
  const running = useRef(false);
  const again = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const [kick, setKick] = useState(0);

  useEffect(() => {
    hasVault().then((exists) => setVault(exists ? "locked" : "none"), () => setVault("none"));
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
    };
  }, []);

  const refresh = useCallback(async (box: Outbox | null = outbox) => {
    if (box) setItems(await box.list());
  }, [outbox]);

  const open = useCallback(async (key: CryptoKey) => {
    const box = new Outbox(key);
    setOutbox(box);
    setVault("unlocked");
    setItems(await box.list());
  }, []);

  const create = useCallback(async (passphrase: string) => open(await createVault(passphrase)), [open]);
  const unlock = useCallback(async (passphrase: string) => open(await unlockVault(passphrase)), [open]);

  const syncNow = useCallback(() => setKick((k) => k + 1), []);

  useEffect(() => {
    if (!outbox || !sender || !online || !signedIn) return;
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    setSyncing(true);
    window.clearTimeout(timer.current);
    // Every state change is shown as it happens (sending, stored, held).
    const store = {
      list: () => outbox.list(),
      save: async (item: QueueItem) => {
        await outbox.save(item);
        await refresh(outbox);
      },
      dropFile: (id: string) => outbox.dropFile(id),
    };
    void syncPass(store, sender(outbox))
      .then(async (report) => {
        setNeedsSignIn(!!report.signIn);
        if (report.retryAt) {
          timer.current = window.setTimeout(syncNow, Math.max(500, report.retryAt - Date.now()));
        }
      })
      .finally(async () => {
        running.current = false;
        setSyncing(false);
        await refresh(outbox);
        if (again.current) {
          again.current = false;
          syncNow();
        }
      });
  }, [outbox, sender, online, signedIn, kick, refresh, syncNow]);

  const enqueue = useCallback(async (item: NewItem) => {
    if (!outbox) throw new Error("the device is locked");
    const queued = await outbox.add(item);
    await refresh(outbox);
    syncNow();
    return queued;
  }, [outbox, refresh, syncNow]);

  const correct = useCallback(async (item: QueueItem, payload: Record<string, unknown>) => {
    if (!outbox) return;
    await outbox.correct(item, payload);
    await refresh(outbox);
    syncNow();
  }, [outbox, refresh, syncNow]);

  const discard = useCallback(async (id: string) => {
    if (!outbox) return;
    await outbox.discard(id);
    await refresh(outbox);
  }, [outbox, refresh]);

  const purgeDone = useCallback(async () => {
    if (!outbox) return;
    await outbox.purgeDone();
    await refresh(outbox);
  }, [outbox, refresh]);

  const forget = useCallback(() => {
    window.clearTimeout(timer.current);
    setOutbox(null);
    setItems([]);
    setVault("none");
  }, []);

  const erase = useCallback(async () => {
    forget();
    await eraseQueue();
  }, [forget]);

  const wipe = useCallback(async () => {
    forget();
    await wipeDevice();
  }, [forget]);

  const value = useMemo<Device>(() => ({
    vault, items, online, syncing, needsSignIn, outbox, create, unlock, enqueue, correct, discard, purgeDone,
    syncNow, erase, wipe,
  }), [vault, items, online, syncing, needsSignIn, outbox, create, unlock, enqueue, correct, discard, purgeDone,
    syncNow, erase, wipe]);
  return <DeviceContext.Provider value={value}>{children}</DeviceContext.Provider>;
}

export function useDevice(): Device {
  const value = useContext(DeviceContext);
  if (!value) throw new Error("useDevice outside DeviceProvider");
  return value;
}
