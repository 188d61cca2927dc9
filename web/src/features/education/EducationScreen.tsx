// The educator's desk: record a session, then the reach per region, campaigns against their targets and
// the regions to prioritise (documented incidents per young person reached, small counts withheld).
import { useServices } from "../../app/context";
import { PageTitle, ProblemView, Status } from "../../app/ui";
import { useLoad, type Loaded } from "../../lib/api/load";
import { formatDay } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { formatCount, formatShare } from "../../lib/i18n/numbers";
import { labelIn, useList } from "../../lib/vocab/terms";
import { CellText } from "../indicators/Tables";
import { CampaignForm } from "./CampaignForm";
import { SessionForm } from "./SessionForm";
import { loadCampaigns, loadPriorities, loadReach, type Priority, type Reach } from "./queries";
import { RegionMap } from "./RegionMap";

export function EducationScreen() {
  const { t } = useI18n();
  const { clients } = useServices();
  const reach = useLoad(() => loadReach(clients), [clients]);
  const priorities = useLoad(() => loadPriorities(clients), [clients]);
  const campaigns = useLoad(() => loadCampaigns(clients), [clients]);
  const recorded = () => {
    reach.reload();
    priorities.reload();
    campaigns.reload();
  };
  return (
    <section className="card">
      <PageTitle title="education.title" intro="education.intro" />
      <SessionForm campaigns={campaigns.data ?? []} onRecorded={recorded} />
      <h2>{t("education.reach")}</h2>
      {reach.problem && <ProblemView problem={reach.problem} />}
      {!reach.data && !reach.problem && <Status kind="info">{t("common.loading")}</Status>}
      {reach.data && <ReachTable reach={reach.data} />}
      <h2>{t("education.campaigns")}</h2>
      <CampaignForm onLaunched={campaigns.reload} />
      <Campaigns found={campaigns.data} />
      <Priorities found={priorities} />
    </section>
  );
}

function ReachTable({ reach }: { reach: Reach }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const regions = useList(clients, "education:regions");
  const headers = [t("field.region"), t("education.sessions"), t("education.participants"), t("education.youth")];
  const rows = Object.entries(reach.regions);
  if (rows.length === 0) return <p>{t("education.noSessions")}</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t("education.reach")}>
      <table data-testid="reach">
        <caption className="sr-only">{t("education.reach")}</caption>
        <thead><tr>{headers.map((h, i) => <th key={h} scope="col" className={i > 0 ? "num" : ""}>{h}</th>)}</tr></thead>
        <tbody>
          {rows.map(([code, r]) => (
            <tr key={code} data-testid="reach-region" data-region={code}>
              <th scope="row">{labelIn(regions, code, language)}</th>
              <td className="num">{formatCount(r.sessions, language)}</td>
              <td className="num" data-testid="participants">{formatCount(r.participants, language)}</td>
              <td className="num">{formatCount(r.youth_reached, language)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot><tr><th scope="row">{t("indicators.total")}</th>
          <td className="num">{formatCount(reach.total.sessions, language)}</td>
          <td className="num">{formatCount(reach.total.participants, language)}</td>
          <td className="num">{formatCount(reach.total.youth_reached, language)}</td></tr></tfoot>
      </table>
    </div>
  );
}

function Campaigns({ found }: { found: Awaited<ReturnType<typeof loadCampaigns>> | null }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const regions = useList(clients, "education:regions");
  if (!found || found.length === 0) return <p>{t("campaigns.none")}</p>;
  return (<>
    <ul className="queue">
      {found.map((c) => (
        <li key={c.id} className="queue-item" data-testid="campaign">
          <h3 className="item-title">{c.name}</h3>
          <p className="meta">{t("reports.period", { start: formatDay(c.period_start, language),
            end: formatDay(c.period_end, language) })}</p>
          {c.progress.map((p) => (
            <div key={p.region} className="progress-row">
              <p>{labelIn(regions, p.region, language)}{t("common.colon")}{t("education.progress", {
                reached: formatCount(p.youth_reached, language), target: formatCount(p.youth_target, language),
                held: p.sessions_held, planned: p.sessions_target })}</p>
              {p.youth_target > 0 && (
                <progress max={p.youth_target} value={Math.min(p.youth_reached, p.youth_target)}
                  aria-label={t("education.progressLabel", { region: labelIn(regions, p.region, language),
                    share: formatShare(p.youth_progress ?? 0, language) })} />
              )}
            </div>
          ))}
        </li>
      ))}
    </ul>
  </>);
}

function Priorities({ found }: { found: Loaded<Priority[]> }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const regions = useList(clients, "education:regions");
  const headers = [t("education.rank"), t("field.region"), t("education.incidents"), t("education.youth"),
    t("education.ratio")];
  if (!found.data) return found.problem ? <ProblemView problem={found.problem} /> : null;
  return (<>
    <h2>{t("education.priorities")}</h2>
    <p className="hint">{t("education.prioritiesHint")}</p>
    <RegionMap ranked={found.data} labelOf={(code) => labelIn(regions, code, language)} />
    <div className="table-wrap">
      <table className="cards" data-testid="priorities">
        <caption className="sr-only">{t("education.priorities")}</caption>
        <thead><tr>{headers.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>
          {found.data.map((p) => (
            <tr key={p.region} className={p.priority ? "priority" : ""}>
              <td data-label={headers[0]}>{p.rank}{p.priority ? ` · ${t("education.priority")}` : ""}</td>
              <td data-label={headers[1]}>{labelIn(regions, p.region, language)}</td>
              <td data-label={headers[2]}><CellText value={p.documented_incidents} /></td>
              <td data-label={headers[3]}>{formatCount(p.youth_reached, language)}</td>
              <td data-label={headers[4]}>{p.incidents_per_youth_reached === null ? t("education.withheld")
                : p.incidents_per_youth_reached.toLocaleString(language === "fr" ? "fr-FR" : "en-GB")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  </>);
}
