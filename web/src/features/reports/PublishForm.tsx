// Building a report: its title, period and language, a preview of the protected figures it will freeze,
// then publication (a retried click publishes it once: the API client keys the command).
import { useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, Status, errorFor } from "../../app/ui";
import { asProblem } from "../../lib/api/load";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { useIndicatorLabel } from "../indicators/Dashboard";
import { loadIndicators, type Series } from "../indicators/queries";
import { Legend, SeriesTable } from "../indicators/Tables";
import { publishReport, type ReportCreate } from "./queries";

const EMPTY: ReportCreate = { title: "", period_start: "", period_end: "", language: "fr", csv_excel: false,
  verified_only: false };

export function PublishForm({ onPublished }: { onPublished: () => void }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const labelOf = useIndicatorLabel();
  const [body, setBody] = useState<ReportCreate>(EMPTY);
  const [preview, setPreview] = useState<Series | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<ReportCreate>) => {
    setBody({ ...body, ...change });
    setPreview(null);
    setDone(false);
  };
  const showPreview = async () => {
    setProblem(null);
    try {
      const found = await loadIndicators(clients, { period_start: body.period_start, period_end: body.period_end,
        verified_only: body.verified_only ?? false });
      setPreview((found.incidents_by_region as Series | undefined) ?? null);
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await publishReport(clients, body);
      setDone(true);
      setBody(EMPTY);
      setPreview(null);
      onPublished();
    } catch (e) {
      setProblem(asProblem(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="subform" onSubmit={submit} aria-label={t("reports.build")}>
      <h2>{t("reports.build")}</h2>
      <Field label={t("field.title")} error={errorFor(problem, "title")}>
        {(id, d) => <input id={id} aria-describedby={d} value={body.title} required
          onChange={(e) => set({ title: e.target.value })} />}
      </Field>
      <div className="row">
        <Field label={t("field.period_start")} error={errorFor(problem, "period_start")}>
          {(id, d) => <input id={id} aria-describedby={d} type="date" value={body.period_start} required
            onChange={(e) => set({ period_start: e.target.value })} />}
        </Field>
        <Field label={t("field.period_end")} error={errorFor(problem, "period_end")}>
          {(id, d) => <input id={id} aria-describedby={d} type="date" value={body.period_end} required
            onChange={(e) => set({ period_end: e.target.value })} />}
        </Field>
      </div>
      <Field label={t("reports.language")} error={errorFor(problem, "language")}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={body.language ?? "fr"}
            onChange={(e) => set({ language: e.target.value as "fr" | "en" })}>
            <option value="fr">{t("language.fr")}</option><option value="en">{t("language.en")}</option>
          </select>
        )}
      </Field>
      <label className="check"><input type="checkbox" checked={body.csv_excel ?? false}
        onChange={(e) => set({ csv_excel: e.target.checked })} /> {t("reports.csvExcel")}</label>
      <FormProblem problem={problem} fields={["title", "period_start", "period_end", "language"]} />
      {done && <Status kind="ok">{t("reports.publishedDone")}</Status>}
      <p className="actions">
        <button type="button" onClick={() => void showPreview()}>{t("reports.preview")}</button>
        <button type="submit" className="primary" disabled={busy}>{t("reports.publish")}</button>
      </p>
      {preview && (
        <div data-testid="report-preview">
          <Legend k={preview.disclosure.k} />
          <SeriesTable series={preview} labelOf={labelOf} title={t("reports.previewTitle")} />
        </div>
      )}
    </form>
  );
}
