// Advocacy actions taken with institutions, and recommendations with their status history. Officers log
// and update them; the next statuses offered are those advocacy's vocabulary allows from the current one.
import { useServices } from "../../app/context";
import { PageTitle, ProblemView, Status } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { formatDay } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useList } from "../../lib/vocab/terms";
import { ActionForm, RecommendationForm, StatusForm } from "./ActionForms";
import { listActions, listRecommendations, type Recommendation } from "./queries";

export function ActionsScreen() {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const officer = useSession().hasRole("advocacy_officer");
  const bodies = useList(clients, "advocacy:target_bodies");
  const types = useList(clients, "advocacy:action_types");
  const actions = useLoad(() => listActions(clients), [clients]);
  const recommendations = useLoad(() => listRecommendations(clients), [clients]);
  return (
    <section className="card">
      <PageTitle title="actions.title" intro="actions.intro" />
      <h2>{t("actions.actions")}</h2>
      {officer && <ActionForm onDone={actions.reload} />}
      {actions.problem && <ProblemView problem={actions.problem} />}
      {!actions.data && !actions.problem && <Status kind="info">{t("common.loading")}</Status>}
      {actions.data?.length === 0 && <p>{t("actions.none")}</p>}
      <ul className="queue">
        {actions.data?.map((a) => (
          <li key={a.id} className="queue-item" data-testid="action">
            <h3 className="item-title">{a.title}</h3>
            <p className="meta">{formatDay(a.taken_on, language)} · {labelIn(types, a.action_type, language)} ·{" "}
              {labelIn(bodies, a.target_body, language)}</p>
            {a.summary && <p>{a.summary}</p>}
          </li>
        ))}
      </ul>
      <h2>{t("actions.recommendations")}</h2>
      {officer && <RecommendationForm onDone={recommendations.reload} />}
      {recommendations.problem && <ProblemView problem={recommendations.problem} />}
      {recommendations.data?.length === 0 && <p>{t("actions.noRecommendations")}</p>}
      <ul className="queue">
        {recommendations.data?.map((r) => (
          <RecommendationItem key={r.id} value={r} officer={officer} onChanged={recommendations.reload} />
        ))}
      </ul>
    </section>
  );
}

function RecommendationItem({ value, officer, onChanged }:
  { value: Recommendation; officer: boolean; onChanged: () => void }) {
  const { language } = useI18n();
  const { clients } = useServices();
  const bodies = useList(clients, "advocacy:target_bodies");
  const statuses = useList(clients, "advocacy:recommendation_statuses");
  return (
    <li className="queue-item" data-testid="recommendation" data-status={value.status}>
      <div className="queue-head">
        <h3 className="item-title">{labelIn(bodies, value.addressee, language)}</h3>
        <span className="badge">{labelIn(statuses, value.status, language)}</span>
      </div>
      <p>{value.text}</p>
      <ol className="timeline">
        {value.history.map((h, i) => (
          <li key={i}><strong>{formatDay(h.on, language)}</strong> · {labelIn(statuses, h.status, language)}
            {h.note ? ` — ${h.note}` : ""}</li>
        ))}
      </ol>
      {officer && <StatusForm value={value} onDone={onChanged} />}
    </li>
  );
}
