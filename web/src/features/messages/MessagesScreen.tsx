// Programme staff's view of the messages to victims: per victim, each delivery's status and dates (never
// its text, which notify does not give back), the providers' health and a preview of each template.
import { useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { Field, PageTitle, ProblemView, Status, errorFor, useCodeLabel } from "../../app/ui";
import { asProblem, useLoad } from "../../lib/api/load";
import { formatInstant } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { TemplatePreview } from "./TemplatePreview";
import { UnknownDeliveries } from "./UnknownDeliveries";
import { providersHealth, victimDeliveries, type Delivery } from "./queries";

export function MessagesScreen() {
  return (
    <section className="card">
      <PageTitle title="messages.title" intro="messages.intro" />
      <UnknownDeliveries />
      <VictimHistory />
      <ProvidersPanel />
      <TemplatePreview />
    </section>
  );
}

function VictimHistory() {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const code = useCodeLabel();
  const [victimId, setVictimId] = useState("");
  const [found, setFound] = useState<Delivery[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const headers = [t("messages.kind"), t("messages.status"), t("messages.channel"), t("messages.attempts"),
    t("messages.due"), t("messages.updated")];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setFound(null);
    try {
      setFound(await victimDeliveries(clients, victimId.trim()));
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <div className="subform">
      <h2>{t("messages.history")}</h2>
      <form onSubmit={submit} aria-label={t("messages.history")}>
        <Field label={t("field.victim_id")} error={errorFor(problem, "victim_id")}>
          {(id, d) => <input id={id} aria-describedby={d} value={victimId} required
            onChange={(e) => setVictimId(e.target.value)} />}
        </Field>
        <p className="actions"><button type="submit" className="primary">{t("messages.show")}</button></p>
      </form>
      {problem && <ProblemView problem={problem} />}
      {found?.length === 0 && <p>{t("messages.none")}</p>}
      {found && found.length > 0 && (
        <div className="table-wrap">
          <table className="cards" data-testid="deliveries">
            <caption className="sr-only">{t("messages.history")}</caption>
            <thead><tr>{headers.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
            <tbody>
              {found.map((d) => (
                <tr key={d.id} data-testid="delivery" data-status={d.status}>
                  <td data-label={headers[0]}>{code("message.kind", d.kind)}</td>
                  <td data-label={headers[1]}>{code("delivery.status", d.status)}
                    {d.reason ? ` (${code("delivery.reason", d.reason)})` : ""}</td>
                  <td data-label={headers[2]}>{d.channel.toUpperCase()}</td>
                  <td data-label={headers[3]}>{d.attempts}</td>
                  <td data-label={headers[4]}>{formatInstant(d.due_at, language)}</td>
                  <td data-label={headers[5]}>{d.updated_at ? formatInstant(d.updated_at, language) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ProvidersPanel() {
  const { t, language } = useI18n();
  const code = useCodeLabel();
  const { clients } = useServices();
  const health = useLoad(() => providersHealth(clients), [clients]);
  return (
    <div className="subform" data-testid="providers">
      <h2>{t("messages.providers")}</h2>
      {health.problem && <ProblemView problem={health.problem} />}
      {health.data && (<>
        <p>{t(health.data.sms_configured ? "messages.smsOn" : "messages.smsOff")}</p>
        <ul className="plain-list">
          {health.data.providers.map((p) => (
            <li key={p.name}>
              <strong>{p.name}</strong> ({p.channel.toUpperCase()}, {code("provider.role", p.role)}){" — "}
              {t("messages.health", { ok: p.successes, failed: p.failures })}
              {p.consecutive_failures > 0 && <Status kind="warn">{t("messages.failing", { n: p.consecutive_failures })}</Status>}
              {p.last_success_at && <span className="meta"> {t("messages.lastSuccess", {
                at: formatInstant(p.last_success_at, language) })}</span>}
            </li>
          ))}
        </ul>
      </>)}
    </div>
  );
}
