// Deliveries whose outcome is unknown (the provider never reported): staff may send one again, on
// purpose, with a reason and a confirmation; notify answers the first decision and repeats it after.
import { useState } from "react";
import { useServices } from "../../app/context";
import { ConfirmButton, Field, ProblemView, Status, useCodeLabel } from "../../app/ui";
import { asProblem, useLoad } from "../../lib/api/load";
import { formatInstant } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { SEND_AGAIN_REASONS, sendAgain, unknownDeliveries, type Delivery, type SendAgainReason } from "./queries";

export function UnknownDeliveries() {
  const { t } = useI18n();
  const { clients } = useServices();
  const found = useLoad(() => unknownDeliveries(clients), [clients]);
  return (
    <div className="subform" data-testid="unknown-deliveries">
      <h2>{t("messages.unknown")}</h2>
      <p className="hint">{t("messages.unknownHint")}</p>
      {found.problem && <ProblemView problem={found.problem} />}
      {found.data?.length === 0 && <p>{t("messages.noUnknown")}</p>}
      <ul className="queue">
        {found.data?.map((d) => <UnknownItem key={d.id} delivery={d} />)}
      </ul>
    </div>
  );
}

function UnknownItem({ delivery }: { delivery: Delivery }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const code = useCodeLabel();
  const [reason, setReason] = useState<SendAgainReason | "">("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sent, setSent] = useState(delivery.resent_as ?? null);
  const send = async () => {
    if (!reason) return;
    setProblem(null);
    try {
      setSent((await sendAgain(clients, delivery.id, reason)).resend_delivery_id);
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <li className="queue-item" data-testid="unknown-delivery" data-delivery-id={delivery.id}>
      <p><strong>{code("message.kind", delivery.kind)}</strong> · {delivery.channel.toUpperCase()} ·{" "}
        {t("messages.dispatchedAt", { at: formatInstant(delivery.dispatched_at ?? delivery.due_at, language) })}</p>
      {(delivery.flags ?? []).map((f) => <Status key={f} kind="warn">{code("delivery.flag", f)}</Status>)}
      {sent ? <Status kind="ok">{t("messages.sentAgain")}</Status> : (<>
        <Field label={t("messages.sendAgainReason")}>
          {(id) => (
            <select id={id} value={reason} onChange={(e) => setReason(e.target.value as SendAgainReason)}>
              <option value="">{t("common.choose")}</option>
              {SEND_AGAIN_REASONS.map((r) => <option key={r} value={r}>{code("messages.reason", r)}</option>)}
            </select>
          )}
        </Field>
        <ConfirmButton label={t("messages.sendAgain")} question={t("messages.sendAgainQuestion")}
          yes={t("messages.sendAgainYes")} onConfirm={send} disabled={!reason} />
      </>)}
      {problem && <ProblemView problem={problem} />}
    </li>
  );
}
