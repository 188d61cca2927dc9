// Published reports: each file with the SHA-256 the service published, downloaded with the user's token
// and hashed in the browser, which says whether the file received is the one published.
import { useState } from "react";
import { useServices } from "../../app/context";
import { PageTitle, ProblemView, Status } from "../../app/ui";
import { asProblem, useLoad } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { saveBlob } from "../../lib/download";
import { formatDay } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { PublishForm } from "./PublishForm";
import { fetchFile, listReports, sha256Hex, type Report } from "./queries";

export function ReportsScreen() {
  const { t } = useI18n();
  const { clients } = useServices();
  const session = useSession();
  const list = useLoad(() => listReports(clients), [clients]);
  return (
    <section className="card">
      <PageTitle title="reports.title" intro="reports.intro" />
      {session.hasRole("advocacy_officer") && <PublishForm onPublished={list.reload} />}
      <h2>{t("reports.published")}</h2>
      {list.problem && <ProblemView problem={list.problem} />}
      {!list.data && !list.problem && <Status kind="info">{t("common.loading")}</Status>}
      {list.data?.length === 0 && <p>{t("reports.none")}</p>}
      <ul className="queue">{list.data?.map((r) => <ReportItem key={r.id} report={r} />)}</ul>
    </section>
  );
}

function ReportItem({ report }: { report: Report }) {
  const { t, language } = useI18n();
  return (
    <li className="queue-item" data-testid="report" data-report-id={report.id}>
      <h3 className="item-title">{report.title}</h3>
      <p className="meta">{t("reports.period", { start: formatDay(report.period_start, language),
        end: formatDay(report.period_end, language) })} · {t("reports.publishedOn", {
        date: formatDay(report.published_on, language) })} · {report.language.toUpperCase()}</p>
      <p>{t("reports.sha256")} <code className="hash">{report.sha256}</code></p>
      <ul className="files">
        {report.files.filter((f) => !f.name.includes("/")).map((f) => (
          <FileItem key={f.name} report={report.id} name={f.name} sha256={f.sha256} />
        ))}
      </ul>
    </li>
  );
}

type Check = { state: "idle" | "busy" } | { state: "done"; match: boolean; got: string } | { state: "failed"; problem: Problem };

function FileItem({ report, name, sha256 }: { report: string; name: string; sha256: string }) {
  const { t } = useI18n();
  const { config, requests } = useServices();
  const [check, setCheck] = useState<Check>({ state: "idle" });
  const download = async () => {
    setCheck({ state: "busy" });
    try {
      const blob = await fetchFile(config.services.advocacy, requests, report, name);
      const got = await sha256Hex(await blob.arrayBuffer());
      setCheck({ state: "done", match: got === sha256, got });
      if (got === sha256) saveBlob(blob, name);
    } catch (e) {
      setCheck({ state: "failed", problem: asProblem(e) });
    }
  };
  return (
    <li data-testid="report-file" data-name={name}>
      <p><strong>{name}</strong> <code className="hash" title={t("reports.sha256")}>{sha256}</code></p>
      <button type="button" onClick={() => void download()} disabled={check.state === "busy"}>
        {t("reports.download", { name })}</button>
      {check.state === "done" && (check.match
        ? <Status kind="ok">{t("reports.matches")}</Status>
        : <Status kind="error">{t("reports.mismatch", { got: check.got })}</Status>)}
      {check.state === "failed" && <ProblemView problem={check.problem} />}
    </li>
  );
}
