// Deciding a referral: accept into a new case (lawyers, court if known) or into an open case of the
// organisation; decline with one of casework's reason codes. The service decides what is allowed: a lawyer
// takes the new case for themselves (casework assigns it to the caller) and joins only a case of theirs.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Link } from "../../app/router";
import { Field, FormProblem, Status, errorFor, useCodeLabel } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useSubmit } from "../../lib/api/submit";
import { formatDay } from "../../lib/i18n/dates";
import { useSession } from "../../lib/auth/session";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useList, useProcedure } from "../../lib/vocab/terms";
import { listCases } from "../cases/queries";
import { acceptReferral, declineReferral, transferReferral, type Referral } from "./queries";

interface Props {
  referral: Referral;
  onCancel: () => void;
  onDone: () => void;
}

/** Staff ids typed one per line or separated by commas or spaces. */
export function splitIds(text: string): string[] {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

export function AcceptForm({ referral, onCancel, onDone }: Props) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const manager = useSession().hasRole("case_manager");
  const courts = useList(clients, "casework:courts");
  const procedure = useProcedure(clients);
  const stages = procedure.find((track) => track.code === "domestic")?.stages ?? [];
  const open = useLoad(() => listCases(clients, "open"), [clients]);
  const [into, setInto] = useState<"new" | "existing">("new");
  const [lawyers, setLawyers] = useState("");
  const [court, setCourt] = useState("");
  const [caseId, setCaseId] = useState("");
  const [opened, setOpened] = useState<string | null>(null);
  const known = [...new Set((open.data ?? []).flatMap((c) => c.lawyers))];

  const { problem, busy, submit } = useSubmit(() => acceptReferral(clients, referral.id,
    into === "new" ? { lawyers: manager ? splitIds(lawyers) : [], court: court || null } : { case_id: caseId }),
  (answer) => { setOpened(answer.case_id); onDone(); });
  if (opened) {
    return (
      <div className="subform">
        <Status kind="ok">{t("inbox.acceptedDone")}</Status>
        <Link to={`/cases/${opened}`} className="button primary">{t("inbox.openCase")}</Link>
      </div>
    );
  }
  return (
    <form className="subform" onSubmit={(e) => void submit(e)} aria-label={t("inbox.accept")}>
      <fieldset className="plain">
        <legend>{t("inbox.into")}</legend>
        <label className="check"><input type="radio" name={`into-${referral.id}`} checked={into === "new"}
          onChange={() => setInto("new")} /> {t("inbox.intoNew")}</label>
        <label className="check"><input type="radio" name={`into-${referral.id}`} checked={into === "existing"}
          onChange={() => setInto("existing")} /> {t(manager ? "inbox.intoExisting" : "inbox.intoMine")}</label>
      </fieldset>
      {into === "new" ? (<>
        {manager ? (
          <Field label={t("field.lawyers")} hint={t("inbox.lawyersHint")} error={errorFor(problem, "lawyers")}>
            {(id, d) => (<>
              <input id={id} aria-describedby={d} value={lawyers} required list={`${id}-known`} autoComplete="off"
                onChange={(e) => setLawyers(e.target.value)} />
              <datalist id={`${id}-known`}>{known.map((l) => <option key={l} value={l} />)}</datalist>
            </>)}
          </Field>
        ) : <p className="hint">{t("inbox.assignedToYou")}</p>}
        <Field label={t("field.court")} hint={t("inbox.courtHint")} error={errorFor(problem, "court")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={court} onChange={(e) => setCourt(e.target.value)}>
              <option value="">{t("inbox.courtUnknown")}</option>
              {courts.map((c) => <option key={c.code} value={c.code}>{labelIn(courts, c.code, language)}</option>)}
            </select>
          )}
        </Field>
      </>) : (
        <Field label={t("field.case_id")} error={errorFor(problem, "case_id")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={caseId} required onChange={(e) => setCaseId(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {(open.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>{t("case.summary", { date: formatDay(c.opened_on, language),
                  stage: labelIn(stages, c.stage, language), victims: c.victim_ids.length })}</option>
              ))}
            </select>
          )}
        </Field>
      )}
      <FormProblem problem={problem} fields={["lawyers", "court", "case_id"]} />
      <p className="actions">
        <button type="submit" className="primary" disabled={busy}>{t("inbox.acceptConfirm")}</button>
        <button type="button" onClick={onCancel}>{t("common.cancel")}</button>
      </p>
    </form>
  );
}

export function DeclineForm({ referral, onCancel, onDone }: Props) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const reasons = useList(clients, "casework:decline_reasons");
  const [reason, setReason] = useState("");
  const { problem, busy, submit } = useSubmit(() => declineReferral(clients, referral.id, reason), onDone);
  return (
    <form className="subform" onSubmit={(e) => void submit(e)} aria-label={t("inbox.decline")}>
      <Field label={t("field.reason")} error={errorFor(problem, "reason")}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={reason} required onChange={(e) => setReason(e.target.value)}>
            <option value="">{t("common.choose")}</option>
            {reasons.map((r) => <option key={r.code} value={r.code}>{labelIn(reasons, r.code, language)}</option>)}
          </select>
        )}
      </Field>
      <FormProblem problem={problem} fields={["reason"]} />
      <p className="actions">
        <button type="submit" className="danger" disabled={busy}>{t("inbox.declineConfirm")}</button>
        <button type="button" onClick={onCancel}>{t("common.cancel")}</button>
      </p>
    </form>
  );
}

/** Passing a pending referral on to another legal-aid organisation; casework names those it may go to. */
export function TransferForm({ referral, onCancel, onDone }: Props) {
  const { t } = useI18n();
  const { clients } = useServices();
  const code = useCodeLabel();
  const [to, setTo] = useState("");
  const { problem, busy, submit } = useSubmit(() => transferReferral(clients, referral.id, to), onDone);
  return (
    <form className="subform" onSubmit={(e) => void submit(e)} aria-label={t("inbox.transfer")}>
      <Field label={t("inbox.transferTo")} hint={t("inbox.transferHint")} error={errorFor(problem, "organisation")}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={to} required onChange={(e) => setTo(e.target.value)}>
            <option value="">{t("common.choose")}</option>
            {(referral.can_transfer_to ?? []).map((o) => <option key={o} value={o}>{code("org", o)}</option>)}
          </select>
        )}
      </Field>
      <FormProblem problem={problem} fields={["organisation"]} />
      <p className="actions">
        <button type="submit" className="primary" disabled={busy}>{t("inbox.transferConfirm")}</button>
        <button type="button" onClick={onCancel}>{t("common.cancel")}</button>
      </p>
    </form>
  );
}
