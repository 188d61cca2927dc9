// The organisation's incidents with the service's filters, a page at a time, and the export.
import { useEffect, useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { Link } from "../../app/router";
import { Field, PageTitle, ProblemView, Status } from "../../app/ui";
import { VocabSelect } from "../../app/VocabSelect";
import type { components } from "../../lib/api/generated/intake";
import { ApiError, problemOf } from "../../lib/api/problem";
import { saveBlob } from "../../lib/download";
import { formatDay } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { useDevice } from "../../lib/queue/device";
import { findTerm, label, useVocabulary } from "../../lib/vocab/vocab";
import { exportIncidents, listIncidents, type IncidentFilters } from "./queries";

type Summary = components["schemas"]["IncidentSummary"];

export function IncidentList() {
  const { t, language } = useI18n();
  const { clients, config, requests } = useServices();
  const { online } = useDevice();
  const regions = useVocabulary(clients, "regions", online);
  const statuses = useVocabulary(clients, "verification_statuses", online);
  const violations = useVocabulary(clients, "violation_types", online);
  const [draft, setDraft] = useState<IncidentFilters>({});
  const [filters, setFilters] = useState<IncidentFilters>({});
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<{ items: Summary[]; next: string | null } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    let live = true;
    setPage(null);
    listIncidents(clients, { ...filters, ...(cursor ? { cursor } : {}) })
      .then((r) => live && setPage({ items: r.items, next: r.next_cursor ?? null }))
      .catch((e: unknown) => live && setProblem(e instanceof ApiError ? e.problem : { status: 0, errors: [] }));
    return () => {
      live = false;
    };
  }, [clients, filters, cursor]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setCursors([null]);
    setFilters(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as IncidentFilters);
  };
  const download = async (format: "csv" | "json") => {
    const response = await exportIncidents(config, requests, format, filters);
    if (!response.ok) return setProblem(await problemOf(response));
    saveBlob(await response.blob(), `incidents.${format}`);
  };
  const set = (name: keyof IncidentFilters) => (value: string) => setDraft({ ...draft, [name]: value });
  return (
    <section className="card">
      <PageTitle title="list.title" />
      <form className="filters" onSubmit={apply} aria-label={t("list.filters")}>
        <div className="row row-3">
          <Field label={t("field.region")}>
            {(id) => <VocabSelect id={id} terms={regions?.terms.map(({ children: _c, ...r }) => r) ?? []}
              value={draft.region ?? ""} onChange={set("region")} empty={t("common.all")} />}
          </Field>
          <Field label={t("field.violation_type")}>
            {(id) => <VocabSelect id={id} vocabulary="violation_types" value={draft.violation_type ?? ""}
              onChange={set("violation_type")} empty={t("common.all")} />}
          </Field>
          <Field label={t("field.perpetrator_category")}>
            {(id) => <VocabSelect id={id} vocabulary="perpetrator_categories" value={draft.perpetrator_category ?? ""}
              onChange={set("perpetrator_category")} empty={t("common.all")} />}
          </Field>
          <Field label={t("field.verification_status")}>
            {(id) => <VocabSelect id={id} vocabulary="verification_statuses" value={draft.verification_status ?? ""}
              onChange={set("verification_status")} empty={t("common.all")} />}
          </Field>
          <Field label={t("field.date_from")}>
            {(id) => <input id={id} type="date" value={draft.date_from ?? ""}
              onChange={(e) => set("date_from")(e.target.value)} />}
          </Field>
          <Field label={t("field.date_to")}>
            {(id) => <input id={id} type="date" value={draft.date_to ?? ""}
              onChange={(e) => set("date_to")(e.target.value)} />}
          </Field>
        </div>
        <p className="actions">
          <button type="submit" className="primary">{t("list.apply")}</button>
          <button type="button" onClick={() => void download("csv")}>{t("list.exportCsv")}</button>
          <button type="button" onClick={() => void download("json")}>{t("list.exportJson")}</button>
        </p>
      </form>
      {problem && <ProblemView problem={problem} />}
      {!page && !problem && <Status kind="info">{t("common.loading")}</Status>}
      {page && page.items.length === 0 && <p>{t("list.none")}</p>}
      {page && page.items.length > 0 && (
        <div className="table-wrap">
          <table className="cards">
            <caption className="sr-only">{t("list.title")}</caption>
            <thead><tr>
              <th scope="col">{t("field.occurred_on")}</th><th scope="col">{t("field.region")}</th>
              <th scope="col">{t("list.violations")}</th><th scope="col">{t("field.verification_status")}</th>
              <th scope="col">{t("list.victims")}</th>
            </tr></thead>
            <tbody>
              {page.items.map((i) => (
                <tr key={i.id}>
                  <td data-label={t("field.occurred_on")}><Link to={`/incidents/${i.id}`}>{formatDay(i.occurred_on, language, i.date_precision,
                    i.occurred_until)}</Link></td>
                  <td data-label={t("field.region")}>{label(findTerm(regions, i.region), language, i.region)}</td>
                  <td data-label={t("list.violations")}>{i.violation_types.map((v) => label(findTerm(violations, v), language, v)).join(", ")}</td>
                  <td data-label={t("field.verification_status")}>
                    {label(findTerm(statuses, i.verification_status), language, i.verification_status)}</td>
                  <td data-label={t("list.victims")}>{i.victim_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="actions">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t("list.previous")}</button>
        <button type="button" disabled={!page?.next} onClick={() => page?.next && setCursors([...cursors, page.next])}>
          {t("list.next")}</button>
      </p>
    </section>
  );
}
