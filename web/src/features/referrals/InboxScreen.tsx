// The organisation's referral inbox, for its case managers and lawyers: victims referred to it (pseudonymous
// ids only), accepted into a new case or an existing one, or declined with a reason code from casework.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Link } from "../../app/router";
import { Choice, PageTitle, ProblemView, Status, shortId, useCodeLabel } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { formatInstant } from "../../lib/i18n/dates";
import { useSession } from "../../lib/auth/session";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useList } from "../../lib/vocab/terms";
import { AcceptForm, DeclineForm, TransferForm } from "./InboxForms";
import { inbox, type InboxStatus, type Referral } from "./queries";

export function InboxScreen() {
  const { t } = useI18n();
  const { clients } = useServices();
  const [status, setStatus] = useState<InboxStatus>("pending");
  const list = useLoad(() => inbox(clients, status), [clients, status]);
  return (
    <section className="card">
      <PageTitle title="inbox.title" intro="inbox.intro" />
      <Choice label={t("inbox.show")} value={status} onChange={setStatus} options={[
        { value: "pending", label: t("inbox.pending") }, { value: "accepted", label: t("inbox.accepted") },
        { value: "declined", label: t("inbox.declined") }]} />
      {list.problem && <ProblemView problem={list.problem} />}
      {!list.data && !list.problem && <Status kind="info">{t("common.loading")}</Status>}
      {list.data?.length === 0 && <p>{t("inbox.none")}</p>}
      <ul className="queue">
        {list.data?.map((r) => <ReferralItem key={r.id} referral={r} />)}
      </ul>
    </section>
  );
}

// A decided referral stays in the list with its outcome until the filter changes, so the "open the case"
// link of the answer remains where the person acted.
function ReferralItem({ referral }: { referral: Referral }) {
  const { t, language } = useI18n();
  const code = useCodeLabel();
  const { clients } = useServices();
  // Casework lets only case managers pass a referral on; a lawyer is not offered what would be refused.
  const manager = useSession().hasRole("case_manager");
  const reasons = useList(clients, "casework:decline_reasons");
  const [acting, setActing] = useState<"accept" | "decline" | "transfer" | null>(null);
  const [declined, setDeclined] = useState(false);
  const [transferred, setTransferred] = useState(false);
  return (
    <li className="queue-item" data-testid="referral" data-referral-id={referral.id} data-victim-id={referral.victim_id}>
      <div className="queue-head">
        <h2 className="item-title">{t("inbox.referral", { date: formatInstant(referral.referred_at, language) })}</h2>
        <span className={`badge urgency-${referral.urgency}`}>{code("referral.urgency", referral.urgency)}</span>
      </div>
      <dl className="facts">
        <dt>{t("field.victim_id")}</dt><dd><code title={referral.victim_id}>{shortId(referral.victim_id)}</code></dd>
        <dt>{t("inbox.from")}</dt><dd>{code("org", referral.referring_organisation)}</dd>
        {(referral.passed_on_by ?? []).length > 0 && (<><dt>{t("inbox.passedOnBy")}</dt>
          <dd>{(referral.passed_on_by ?? []).map((o) => code("org", o)).join(", ")}</dd></>)}
        <dt>{t("field.needs")}</dt><dd>{referral.needs.map((n) => code("referral.need", n)).join(", ")}</dd>
        <dt>{t("field.incident_ids")}</dt><dd>{referral.incident_ids.length}</dd>
        {referral.decline_reason && (<><dt>{t("field.reason")}</dt><dd>{labelIn(reasons, referral.decline_reason, language)}</dd></>)}
      </dl>
      {(referral.flags ?? []).map((flag) => <Status key={flag} kind="warn">{code("flag", flag)}</Status>)}
      {referral.case_id && <p><Link to={`/cases/${referral.case_id}`}>{t("inbox.openCase")}</Link></p>}
      {declined && <Status kind="ok">{t("inbox.declinedDone")}</Status>}
      {transferred && <Status kind="ok">{t("inbox.transferredDone")}</Status>}
      {referral.status === "pending" && acting === null && !declined && !transferred && (
        <p className="actions">
          <button type="button" className="primary" onClick={() => setActing("accept")}>{t("inbox.accept")}</button>
          <button type="button" onClick={() => setActing("decline")}>{t("inbox.decline")}</button>
          {manager && (referral.can_transfer_to ?? []).length > 0 && (
            <button type="button" onClick={() => setActing("transfer")}>{t("inbox.transfer")}</button>
          )}
        </p>
      )}
      {acting === "accept" && <AcceptForm referral={referral} onCancel={() => setActing(null)} onDone={() => undefined} />}
      {acting === "decline" && <DeclineForm referral={referral} onCancel={() => setActing(null)}
        onDone={() => { setActing(null); setDeclined(true); }} />}
      {acting === "transfer" && <TransferForm referral={referral} onCancel={() => setActing(null)}
        onDone={() => { setActing(null); setTransferred(true); }} />}
    </li>
  );
}
