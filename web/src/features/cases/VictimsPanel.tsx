// The victims of a case by pseudonymous id, with their alerts. A lawyer of the case may reveal a name:
// casework reads it through intake's key path now and audits the read; the app keeps it in this
// component's memory only (no storage, and the answer is no-store), and forgets it on "hide".
import { useState } from "react";
import { useServices } from "../../app/context";
import { ProblemView, shortId, useCodeLabel } from "../../app/ui";
import { asProblem } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { revealName, type Case } from "./queries";

export function VictimsPanel({ value }: { value: Case }) {
  const { t } = useI18n();
  const code = useCodeLabel();
  const lawyer = useSession().hasRole("lawyer");
  return (
    <section className="subform" aria-labelledby="victims-title">
      <h2 id="victims-title">{t("field.victim_ids")}</h2>
      {lawyer && <p className="hint">{t("victims.revealHint")}</p>}
      <ul className="plain-list">
        {value.victim_ids.map((v) => <VictimRow key={v} caseId={value.id} victimId={v} lawyer={lawyer}
          flags={(value.victim_flags ?? []).filter((f) => f.victim_id === v).map((f) => f.flag)} />)}
      </ul>
      {(value.removed_victims ?? []).length > 0 && (<>
        <h3>{t("victims.removed")}</h3>
        <ul className="plain-list">
          {(value.removed_victims ?? []).map((r) => (
            <li key={r.victim_id} data-testid="removed-victim">
              {t("victims.pseudonym")} <code title={r.victim_id}>{shortId(r.victim_id)}</code>{" "}
              <span className="badge badge-held">{code("flag", r.reason)}</span>
            </li>
          ))}
        </ul>
      </>)}
    </section>
  );
}

function VictimRow({ caseId, victimId, lawyer, flags }:
  { caseId: string; victimId: string; lawyer: boolean; flags: string[] }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const code = useCodeLabel();
  const [name, setName] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const reveal = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setName((await revealName(clients, caseId, victimId)).name);
    } catch (e) {
      setProblem(asProblem(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li data-testid="victim" data-victim-id={victimId}>
      <span>{t("victims.pseudonym")} <code title={victimId}>{shortId(victimId)}</code></span>
      {flags.map((f) => <span key={f} className="badge badge-held">{code("flag", f)}</span>)}
      {lawyer && (name === null ? (
        <button type="button" className="small" disabled={busy} onClick={() => void reveal()}>{t("victims.reveal")}</button>
      ) : (<>
        <strong className="revealed" data-testid="victim-name">{name}</strong>
        <button type="button" className="small" onClick={() => setName(null)}>{t("victims.hide")}</button>
      </>))}
      {problem && <ProblemView problem={problem} />}
    </li>
  );
}
