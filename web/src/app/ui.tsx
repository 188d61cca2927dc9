// Small shared pieces of the screens: labelled fields, problems shown next to what they name, status.
import { useId, type ReactNode } from "react";
import { fieldKey } from "../lib/api/problem";
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
