// The analysts' dashboard: advocacy's protected indicators by year, region, violation type, perpetrator
// category, verification and stage, as a table and a chart, with the legend of withheld cells.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Field, PageTitle, ProblemView, Status } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useI18n, type MessageKey } from "../../lib/i18n/i18n";
import { labelIn, useList } from "../../lib/vocab/terms";
import { Chart } from "./Chart";
import { CrossTableView, Legend, SeriesTable } from "./Tables";
import { SERIES, TABLES, loadIndicators, type CrossTable, type Filter, type Series, type SeriesName } from "./queries";

/** The words for a code of an indicator: the service's report labels, "unknown" and years as they are. */
export function useIndicatorLabel(): (code: string) => string {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const labels = useList(clients, "advocacy:report_labels");
  return (code) => (code === "unknown" ? t("indicators.unknown") : labelIn(labels, code, language));
}

export function Dashboard() {
  const { t } = useI18n();
  const { clients } = useServices();
  const labelOf = useIndicatorLabel();
  const [draft, setDraft] = useState<Filter>({ period_start: "", period_end: "", verified_only: false });
  const [filter, setFilter] = useState<Filter>(draft);
  const [shown, setShown] = useState<SeriesName>("incidents_by_region");
  const found = useLoad(() => loadIndicators(clients, filter), [clients, filter]);
  const series = found.data?.[shown] as Series | undefined;
  const tableName = TABLES[shown];
  const cross = tableName ? (found.data?.[tableName] as CrossTable | undefined) : undefined;
  const title = t(`indicators.series.${shown}` as MessageKey);
  return (
    <section className="card" data-testid="dashboard">
      <PageTitle title="indicators.title" intro="indicators.intro" />
      <form className="filters" aria-label={t("indicators.filters")}
        onSubmit={(e) => { e.preventDefault(); setFilter(draft); }}>
        <div className="row row-3">
          <Field label={t("field.period_start")}>
            {(id) => <input id={id} type="date" value={draft.period_start}
              onChange={(e) => setDraft({ ...draft, period_start: e.target.value })} />}
          </Field>
          <Field label={t("field.period_end")}>
            {(id) => <input id={id} type="date" value={draft.period_end}
              onChange={(e) => setDraft({ ...draft, period_end: e.target.value })} />}
          </Field>
          <Field label={t("indicators.by")}>
            {(id) => (
              <select id={id} value={shown} onChange={(e) => setShown(e.target.value as SeriesName)}>
                {(Object.keys(SERIES) as SeriesName[]).map((name) => (
                  <option key={name} value={name}>{t(`indicators.series.${name}` as MessageKey)}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <label className="check"><input type="checkbox" checked={draft.verified_only}
          onChange={(e) => setDraft({ ...draft, verified_only: e.target.checked })} /> {t("indicators.verifiedOnly")}</label>
        <p className="actions"><button type="submit" className="primary">{t("indicators.apply")}</button></p>
      </form>
      {found.problem && <ProblemView problem={found.problem} />}
      {!found.data && !found.problem && <Status kind="info">{t("common.loading")}</Status>}
      {series && (<>
        <h2>{title}</h2>
        <Legend k={series.disclosure.k} />
        {series.labels.length === 0 ? <p>{t("indicators.empty")}</p> : (<>
          <Chart series={series} labelOf={labelOf} title={title} />
          <SeriesTable series={series} labelOf={labelOf} title={title} />
        </>)}
      </>)}
      {cross && cross.rows.length > 0 && <CrossTableView table={cross} labelOf={labelOf} />}
    </section>
  );
}
