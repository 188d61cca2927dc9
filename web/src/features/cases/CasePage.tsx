// One case: its facts and alerts, its victims (the name only on an explicit reveal), the stage
// timeline with the moves the service offers next, hearings, deadlines, reparations and notes.
import { useServices } from "../../app/context";
import { PageTitle, ProblemView, Status, useCodeLabel } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { formatDay } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useList, useProcedure } from "../../lib/vocab/terms";
import { HearingsPanel } from "../hearings/HearingsPanel";
import { ReparationsPanel } from "../reparations/ReparationsPanel";
import { TasksPanel } from "../tasks/TasksPanel";
import { CourtForm, LawyersPanel } from "./LawyersPanel";
import { NotesPanel } from "./NotesPanel";
import { readCase, type Case } from "./queries";
import { StagePanel } from "./StagePanel";
import { VictimsPanel } from "./VictimsPanel";

export function CasePage({ id }: { id: string }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const found = useLoad(() => readCase(clients, id), [clients, id]);
  if (found.problem && !found.data) {
    return (
      <section className="card" data-testid="case-problem" data-status={found.problem.status}>
        <h1>{found.problem.status === 404 ? t("case.notFound") : t("case.title")}</h1>
        <ProblemView problem={found.problem} />
      </section>
    );
  }
  if (!found.data) return <Status kind="info">{t("common.loading")}</Status>;
  return <CaseView value={found.data} reload={found.reload} />;
}

function CaseView({ value, reload }: { value: Case; reload: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const session = useSession();
  const code = useCodeLabel();
  const lawyer = session.hasRole("lawyer");
  const courts = useList(clients, "casework:courts");
  const tracks = useProcedure(clients);
  const domestic = tracks.find((track) => track.code === "domestic");
  const closure = domestic?.closure_reasons ?? [];
  const sections: [string, string][] = [["stages", t("case.stages")], ["hearings", t("hearings.title")],
    ["tasks", t("tasks.title")], ["reparations", t("reparations.title")],
    ...(lawyer ? [["notes", t("notes.title")] as [string, string]] : [])];
  return (
    <section className="card" data-testid="case" data-case-id={value.id}>
      <PageTitle title="case.title" />
      <p className="meta">{t("case.openedOnDate", { date: formatDay(value.opened_on, language) })}</p>
      <nav aria-label={t("case.sections")} className="inpage">
        <ul>{sections.map(([anchor, text]) => <li key={anchor}><a href={`#${anchor}`}>{text}</a></li>)}</ul>
      </nav>
      {(value.victim_flags ?? []).map((f) => (
        <Status key={`${f.victim_id}-${f.flag}`} kind="warn">{code("flag", f.flag)}</Status>
      ))}
      <dl className="facts">
        <dt>{t("case.stage")}</dt>
        <dd data-testid="case-stage">{labelIn(domestic?.stages ?? [], value.stage, language)}</dd>
        <dt>{t("field.status")}</dt>
        <dd>{value.status === "closed" ? t("case.closedOn", { date: formatDay(value.closed_on ?? "", language),
          reason: labelIn(closure, value.closure_reason, language) }) : t("cases.open")}</dd>
        <dt>{t("field.court")}</dt><dd>{value.court ? labelIn(courts, value.court, language) : "—"}</dd>
        <dt>{t("field.victim_ids")}</dt><dd>{value.victim_ids.length}</dd>
        <dt>{t("field.incident_ids")}</dt><dd>{value.incident_ids.length}</dd>
      </dl>
      <VictimsPanel value={value} />
      <LawyersPanel value={value} onChanged={reload} />
      {value.status === "open" && <CourtForm value={value} onChanged={reload} />}
      <StagePanel value={value} onChanged={reload} />
      <HearingsPanel value={value} />
      <TasksPanel value={value} />
      <ReparationsPanel value={value} />
      {lawyer && <NotesPanel caseId={value.id} victimIds={value.victim_ids} />}
    </section>
  );
}
