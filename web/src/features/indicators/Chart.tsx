// A bar chart of a protected series. Withheld entries get no bar at all (a bar's length would reveal
// the count the service withheld) and the scale is set by published values only.
import { useI18n } from "../../lib/i18n/i18n";
import { formatCount } from "../../lib/i18n/numbers";
import { isWithheld, type Series } from "./queries";

const ROW = 28;
const LABEL = 130;
const WIDTH = 320;

/** Each entry's bar length out of `span`: none for a withheld entry, the scale from published values only. */
export function barLengths(values: Series["values"], span: number): (number | null)[] {
  const published = values.filter((v): v is number => !isWithheld(v));
  const max = Math.max(1, ...published);
  return values.map((v) => (isWithheld(v) ? null : (v / max) * span));
}

export function Chart({ series, labelOf, title }: { series: Series; labelOf: (code: string) => string; title: string }) {
  const { t, language } = useI18n();
  const lengths = barLengths(series.values, WIDTH - LABEL - 60);
  return (
    <figure className="chart" data-testid="chart">
      <svg viewBox={`0 0 ${WIDTH} ${series.labels.length * ROW + 4}`} role="img" aria-label={title}
        preserveAspectRatio="xMinYMin meet">
        {series.labels.map((code, i) => {
          const value = series.values[i] ?? 0;
          const length = lengths[i] ?? 0;
          const y = i * ROW + 2;
          const name = labelOf(code);
          return (
            <g key={code}>
              <text x={LABEL - 6} y={y + 17} textAnchor="end" className="chart-label">
                {name.length > 20 ? `${name.slice(0, 19)}…` : name}
              </text>
              {isWithheld(value) ? (
                <text x={LABEL + 4} y={y + 17} className="chart-withheld" data-testid="chart-withheld"
                  data-label={code}>{t("indicators.withheldMark", { mark: value })}</text>
              ) : (<>
                <rect x={LABEL} y={y + 4} height={ROW - 10} width={Math.max(value > 0 ? 2 : 0, length)}
                  className="chart-bar" data-testid="chart-bar" data-label={code} />
                <text x={LABEL + length + 6} y={y + 17} className="chart-value">
                  {formatCount(value, language)}
                </text>
              </>)}
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">{title}</figcaption>
    </figure>
  );
}
