// Reading from a service into a screen: the data, the service's problem, and a way to read again.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Problem } from "../queue/model";
import { onStale } from "./freshness";
import { ApiError } from "./problem";

export interface Loaded<T> {
  data: T | null;
  problem: Problem | null;
  reload: () => void;
}

/** The problem of any failure: the service's problem+json, or "unreachable" (status 0). */
export function asProblem(error: unknown): Problem {
  return error instanceof ApiError ? error.problem : { status: 0, errors: [] };
}

/** Runs `load` when its inputs (`key`) change, again on `reload` and when a command found the screen stale
 * (freshness.ts); a stale answer is dropped. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; problem: Problem | null }>({ data: null, problem: null });
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let live = true;
    latest.current().then(
      (data) => live && setState({ data, problem: null }),
      (error: unknown) => live && setState({ data: null, problem: asProblem(error) }),
    );
    return () => {
      live = false;
    };
    // The caller names the inputs in `key`; `load` itself is a new closure on every render.
  }, [round, ...key]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  useEffect(() => onStale(reload), [reload]);
  return { ...state, reload };
}
