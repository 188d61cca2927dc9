// Protected figures as tables: a withheld entry is shown with its marker, never as a number.
import { useI18n, type MessageKey } from "../../lib/i18n/i18n";
import { formatCount } from "../../lib/i18n/numbers";
import { isWithheld, type Cell, type CrossTable, type Series } from "./queries";

export function CellText({ value }: { value: Cell | null | undefined }) {
  const { t, language } = useI18n();
  if (value === null || value === undefined) return <>—</>;
  if (isWithheld(value)) {
    return <abbr className="withheld" data-testid="withheld" title={t("indicators.withheldTitle")}>{value}</abbr>;
  }
  return <>{formatCount(value, language)}</>;
}

/** Why some cells say "<5" or "x": the service withholds counts small enough to identify a victim. */
export function Legend({ k }: { k: number }) {
  const { t } = useI18n();
  return (
    <dl className="legend" data-testid="legend">
      <dt><abbr className="withheld">{`<${k}`}</abbr></dt><dd>{t("indicators.legendSmall", { k, below: k - 1 })}</dd>
      <dt><abbr className="withheld">x</abbr></dt><dd>{t("indicators.legendComplement", { k })}</dd>
    </dl>
  );
}

export function SeriesTable({ series, labelOf, title }:
  { series: Series; labelOf: (code: string) => string; title: string }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={title}>
      <table data-testid="series-table">
        <caption>{title}</caption>
        <thead><tr><th scope="col">{t("indicators.category")}</th><th scope="col" className="num">{t("indicators.count")}</th></tr></thead>
        <tbody>
          {series.labels.map((code, i) => (
            <tr key={code} data-label={code}>
              <th scope="row">{labelOf(code)}</th><td className="num"><CellText value={series.values[i]} /></td>
            </tr>
          ))}
        </tbody>
        <tfoot><tr><th scope="row">{t("indicators.total")}</th><td className="num"><CellText value={series.total} /></td></tr></tfoot>
      </table>
    </div>
  );
}

export function CrossTableView({ table, labelOf }: { table: CrossTable; labelOf: (code: string) => string }) {
  const { t } = useI18n();
  const caption = t(`indicators.cross.${table.row_dimension}` as MessageKey);
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="cross" data-testid="cross-table">
        <caption>{caption}</caption>
        <thead>
          <tr><td />{table.columns.map((c) => <th key={c} scope="col">{labelOf(c)}</th>)}
            <th scope="col">{t("indicators.total")}</th></tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{labelOf(row.label)}</th>
              {row.values.map((v, i) => <td key={table.columns[i] ?? i} className="num"><CellText value={v} /></td>)}
              <td className="num"><CellText value={row.total} /></td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr><th scope="row">{t("indicators.total")}</th>
            {table.column_totals.map((v, i) => <td key={table.columns[i] ?? i} className="num"><CellText value={v} /></td>)}
            <td className="num"><CellText value={table.grand_total} /></td></tr>
        </tfoot>
      </table>
    </div>
  );
}
