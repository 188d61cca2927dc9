// CSV import: the file goes to intake, which checks every row and imports all of them or none; the
// screen follows the job with a progress bar and lists each refused row with its field and reason.
import { useEffect, useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { Field, PageTitle, ProblemView, Status, useFieldLabel } from "../../app/ui";
import type { components } from "../../lib/api/generated/intake";
import { problemOf } from "../../lib/api/problem";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { readImport, startImport } from "./queries";

type Job = components["schemas"]["ImportJobPublic"];
const POLL_MS = 1000;

export function ImportScreen() {
  const { t } = useI18n();
  const { clients, config, requests } = useServices();
  const labelOf = useFieldLabel();
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!job || job.status !== "running") return;
    const timer = window.setTimeout(() => {
      readImport(clients, job.id).then(setJob, () => undefined);
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [clients, job]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setProblem(null);
    setJob(null);
    const response = await startImport(config, requests, file).catch(() => null);
    setBusy(false);
    if (!response) return setProblem({ status: 0, errors: [] });
    if (!response.ok) return setProblem(await problemOf(response));
    setJob((await response.json()) as Job);
  };
  return (
    <section className="card">
      <PageTitle title="import.title" intro="import.intro" />
      <form onSubmit={submit}>
        <Field label={t("field.file")} hint={t("import.fileHint")}>
          {(id, d) => <input id={id} aria-describedby={d} type="file" accept=".csv,text/csv" required
            onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
        </Field>
        <button type="submit" className="primary" disabled={!file || busy}>{t("import.start")}</button>
      </form>
      {problem && <ProblemView problem={problem} />}
      {job && (
        <div className="subform" data-testid="import-job" data-status={job.status}>
          <h2>{t(`import.status.${job.status}`)}</h2>
          {job.status === "completed" && job.rejected > 0 && <Status kind="warn">{t("import.nothingImported")}</Status>}
          <label htmlFor="import-progress">{t("import.progress", { done: job.processed, total: job.accepted })}</label>
          <progress id="import-progress" max={Math.max(1, job.accepted)} value={job.processed} />
          <dl className="facts">
            <dt>{t("import.rows")}</dt><dd>{job.total}</dd>
            <dt>{t("import.accepted")}</dt><dd>{job.accepted}</dd>
            <dt>{t("import.rejected")}</dt><dd data-testid="import-rejected">{job.rejected}</dd>
            <dt>{t("import.created")}</dt><dd>{job.created}</dd>
            <dt>{t("import.unchanged")}</dt><dd>{job.unchanged + job.updated}</dd>
          </dl>
          {job.errors.length > 0 && (
            <div className="table-wrap">
              <table className="cards">
                <caption>{t("import.errors")}</caption>
                <thead><tr><th scope="col">{t("import.row")}</th><th scope="col">{t("import.field")}</th>
                  <th scope="col">{t("import.reason")}</th></tr></thead>
                <tbody>
                  {job.errors.map((e, i) => (
                    <tr key={i}>
                      <td data-label={t("import.row")}>{String(e.row ?? "")}</td>
                      <td data-label={t("import.field")}>{labelOf(String(e.field ?? ""))}</td>
                      <td data-label={t("import.reason")}>{String(e.reason ?? "")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {job.errors_truncated && <Status kind="warn">{t("import.truncated")}</Status>}
        </div>
      )}
      {!job && !problem && !busy && <p className="hint">{t("import.sample")}</p>}
    </section>
  );
}
