// What a capture form shows once its item joined the queue: the confirmation and where to go next.
import type { ReactNode } from "react";
import { Link } from "./router";
import { Status } from "./ui";

export interface NextStep {
  to: string;
  label: string;
}

export function QueuedNotice({ message, next, children }: { message: string; next: NextStep[]; children?: ReactNode }) {
  return (
    <section className="card">
      <Status kind="ok">{message}</Status>
      {children}
      <p className="actions">
        {next.map((step, i) => (
          <Link key={step.to} to={step.to} className={i === 0 ? "button primary" : "button"}>{step.label}</Link>
        ))}
      </p>
    </section>
  );
}
