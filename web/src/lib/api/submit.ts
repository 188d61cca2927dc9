// Sending a form to a service: busy while it runs, the service's problem kept for the fields it names,
// "done" once it answered.
import { useState, type FormEvent } from "react";
import type { Problem } from "../queue/model";
import { asProblem } from "./load";

export interface Submission {
  problem: Problem | null;
  busy: boolean;
  done: boolean;
  submit: (event: FormEvent) => Promise<void>;
}

/** Runs `send` on submit; `onDone` gets its answer. A failure keeps the problem and leaves "done" false. */
export function useSubmit<T>(send: () => Promise<T>, onDone: (answer: T) => void): Submission {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setDone(false);
    try {
      const answer = await send();
      setDone(true);
      onDone(answer);
    } catch (e) {
      setProblem(asProblem(e));
    } finally {
      setBusy(false);
    }
  };
  return { problem, busy, done, submit };
}
