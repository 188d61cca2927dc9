// Drafts of the capture forms: saved sealed on the device as the monitor types, restored on return.
import { useEffect, useRef, useState } from "react";
import { useDevice } from "./device";

const SAVE_DELAY_MS = 400;

/** Restores the saved draft once, then saves every change; `clear` forgets it (after the form is queued). */
export function useDraft<T>(name: string, value: T,
  restore: (saved: T) => void): { loaded: boolean; saved: boolean; clear: () => Promise<void> } {
  const { outbox } = useDevice();
  const ready = useRef(false);
  const restoreRef = useRef(restore);
  restoreRef.current = restore;
  const [saved, setSaved] = useState(false);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (!outbox) return;
    outbox.loadDraft<T>(name).then((draft) => {
      if (draft !== undefined) restoreRef.current(draft);
      ready.current = true;
      setLoaded(true);
    }, () => {
      ready.current = true;
      setLoaded(true);
    });
  }, [outbox, name]);
  useEffect(() => {
    if (!outbox || !ready.current) return;
    const timer = window.setTimeout(() => {
      void outbox.saveDraft(name, value).then(() => setSaved(true));
    }, SAVE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [outbox, name, value]);
  return { loaded, saved, clear: async () => {
    ready.current = false;
    await outbox?.dropDraft(name);
  } };
}
