// Small shared pieces of the screens: labelled fields, problems shown next to what they name, status.
import { useId, useState, type ReactNode } from "react";
import { fieldKey, isKeyReused } from "../lib/api/problem";
import { isMessageKey, useI18n, type MessageKey } from "../lib/i18n/i18n";
import type { FieldProblem, Problem } from "../lib/queue/model";

export function Field({ label, hint, error, children }:
  { label: string; hint?: string; error?: string | undefined; children: (id: string, describedBy?: string) => ReactNode }) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={error ? "field field-error" : "field"}>
      <label htmlFor={id}>{label}</label>
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {children(id, describedBy)}
      {error && <p className="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** The French (or English) label of a problem's field, from the catalogue; the raw path as a last resort. */
export function useFieldLabel(): (field: string) => string {
  const { t } = useI18n();
  return (field) => {
    const key = `field.${fieldKey(field)}`;
    if (isMessageKey(key)) return t(key);
    const last = `field.${fieldKey(field).split(".").pop() ?? ""}`;
    return isMessageKey(last) ? t(last) : fieldKey(field);
  };
}

export function ProblemView({ problem }: { problem: Problem }) {
  const { t } = useI18n();
  const labelOf = useFieldLabel();
  const statusKey = `problem.status.${problem.status}`;
  // The key's own wording names a header; the user needs to know what happened to their action instead.
  if (isKeyReused(problem)) return <div className="problem" role="alert"><p>{t("problem.keyReused")}</p></div>;
  if (problem.unanswered) return <div className="problem" role="alert"><p>{t("problem.unanswered")}</p></div>;
  return (
    <div className="problem" role="alert">
      <p>{isMessageKey(statusKey) ? t(statusKey) : t("problem.status.other", { status: problem.status })}</p>
      {problem.errors.length > 0 ? (
        <ul>
          {problem.errors.map((e: FieldProblem, i) => (
            <li key={i}><strong>{labelOf(e.field)}</strong>{t("common.colon")}{e.reason}</li>
          ))}
        </ul>
      ) : problem.detail ? <p>{problem.detail}</p> : null}
    </div>
  );
}

export function Status({ kind, children }: { kind: "ok" | "warn" | "info" | "error"; children: ReactNode }) {
  return <p className={`status status-${kind}`} role={kind === "error" ? "alert" : "status"}>{children}</p>;
}

export function PageTitle({ title, intro }: { title: MessageKey; intro?: MessageKey }) {
  const { t } = useI18n();
  return (
    <header className="page-title">
      <h1>{t(title)}</h1>
      {intro && <p>{t(intro)}</p>}
    </header>
  );
}

/** What the service said about one field of a form ("body.to_stage" or "to_stage"), to show beside it. */
export function errorFor(problem: Problem | null, ...names: string[]): string | undefined {
  const reasons = (problem?.errors ?? []).filter((e) => names.some((name) => fieldMatches(e.field, name)))
    .map((e) => e.reason);
  return reasons.length > 0 ? reasons.join(" ") : undefined;
}

function fieldMatches(field: string, name: string): boolean {
  const key = fieldKey(field);
  return key === name || key.endsWith(`.${name}`);
}

/** A form's problem: the status in words, then what no field of the form shows beside itself. */
export function FormProblem({ problem, fields }: { problem: Problem | null; fields: string[] }) {
  const { t } = useI18n();
  if (!problem) return null;
  const rest = problem.errors.filter((e) => !fields.some((name) => fieldMatches(e.field, name)));
  if (problem.errors.length > 0 && rest.length === 0) {
    return <div className="problem" role="alert"><p>{t("problem.seeFields")}</p></div>;
  }
  return <ProblemView problem={{ ...problem, errors: rest }} />;
}

/** A deliberate action: the first press asks, the second (on "yes") acts; Escape or "cancel" backs out. */
export function ConfirmButton({ label, question, yes, onConfirm, danger, disabled }: {
  label: string; question: string; yes: string; onConfirm: () => void | Promise<void>; danger?: boolean;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return <button type="button" className={danger ? "danger" : undefined} disabled={disabled}
      onClick={() => setAsking(true)}>{label}</button>;
  }
  return (
    <div className="confirm" role="group" aria-label={question}
      onKeyDown={(e) => e.key === "Escape" && setAsking(false)}>
      <p>{question}</p>
      <p className="actions">
        <button type="button" className={danger ? "danger" : "primary"} autoFocus
          onClick={() => { setAsking(false); void onConfirm(); }}>{yes}</button>
        <button type="button" onClick={() => setAsking(false)}>{t("common.cancel")}</button>
      </p>
    </div>
  );
}

/** The catalogue's words for a code the contract leaves open ("org.org-legal"), or the code itself. */
export function useCodeLabel(): (prefix: string, code: string | null | undefined) => string {
  const { t } = useI18n();
  return (prefix, code) => {
    if (!code) return "";
    const key = `${prefix}.${code}`;
    return isMessageKey(key) ? t(key) : code;
  };
}

/** The first characters of a pseudonymous id, enough to tell records apart on screen. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** A set of mutually exclusive views (statuses of a list), as pressed buttons. */
export function Choice<T extends string>({ label, options, value, onChange }:
  { label: string; options: { value: T; label: string }[]; value: T; onChange: (value: T) => void }) {
  return (
    <div className="choice" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} type="button" aria-pressed={o.value === value} className={o.value === value ? "on" : ""}
          onClick={() => onChange(o.value)}>{o.label}</button>
      ))}
    </div>
  );
}
