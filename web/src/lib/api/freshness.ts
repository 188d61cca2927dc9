// A command refused with 409 means the service's record has moved on from what the screen shows (the
// first send of a key was recorded after its answer was lost, or someone else changed the record): every
// view on the screen reads again, so the user can check what was recorded without reloading the page.
const views = new EventTarget();

/** Tells every loaded view that what it shows may be out of date. */
export function markStale(): void {
  views.dispatchEvent(new Event("stale"));
}

/** Calls `reload` whenever the views are marked stale; returns the unsubscribe. */
export function onStale(reload: () => void): () => void {
  views.addEventListener("stale", reload);
  return () => views.removeEventListener("stale", reload);
}

/** A command's answer that makes the screen stale. */
export function isStalingAnswer(isCommand: boolean, status: number): boolean {
  return isCommand && status === 409;
}
