// A schematic map of Mali's regions for the priority ranking: one tile per region of education's
// vocabulary, placed by its approximate position (north at the top), coloured by the service's priority
// flag only. No boundaries, no tiles from a server: it draws offline, and it shows nothing the ranked
// table beside it does not (counts are never encoded, so a withheld count stays withheld).
import { useI18n } from "../../lib/i18n/i18n";
import type { Priority } from "./queries";

/** Column and row of each region after the 2023 reform (5 columns, west to east; 6 rows, north to south). */
export const LAYOUT: Record<string, [number, number]> = {
  taoudenit: [2, 0], kidal: [3, 0],
  tombouctou: [2, 1], gao: [3, 1],
  nioro: [0, 2], nara: [1, 2], mopti: [2, 2], douentza: [3, 2], menaka: [4, 2],
  kayes: [0, 3], koulikoro: [1, 3], segou: [2, 3], bandiagara: [3, 3],
  kita: [0, 4], "bamako-district": [1, 4], dioila: [2, 4], san: [3, 4],
  bougouni: [1, 5], sikasso: [2, 5], koutiala: [3, 5],
};
const CELL_W = 100;
const CELL_H = 70;
const GAP = 4;
const SHORT: Record<string, string> = { "bamako-district": "Bamako" };

export function RegionMap({ ranked, labelOf }: { ranked: Priority[]; labelOf: (code: string) => string }) {
  const { t } = useI18n();
  const byRegion = new Map(ranked.map((p) => [p.region, p]));
  const priorities = ranked.filter((p) => p.priority).map((p) => labelOf(p.region));
  const label = t("education.mapLabel", { regions: priorities.length ? priorities.join(", ") : t("education.mapNone") });
  return (
    <figure className="region-map" data-testid="region-map">
      <svg viewBox={`0 0 ${5 * CELL_W} ${6 * CELL_H}`} role="img" aria-label={label}>
        {Object.entries(LAYOUT).map(([code, [col, row]]) => {
          const found = byRegion.get(code);
          const x = col * CELL_W + GAP / 2;
          const y = row * CELL_H + GAP / 2;
          const state = found?.priority ? "priority" : found ? "ranked" : "none";
          return (
            <g key={code} data-testid="map-region" data-region={code} data-priority={String(!!found?.priority)}>
              <rect x={x} y={y} width={CELL_W - GAP} height={CELL_H - GAP} rx={6} className={`map-tile map-${state}`} />
              <text x={x + (CELL_W - GAP) / 2} y={y + 28} textAnchor="middle" className={`map-name map-${state}`}>
                {SHORT[code] ?? labelOf(code)}
              </text>
              <text x={x + (CELL_W - GAP) / 2} y={y + 50} textAnchor="middle" className={`map-rank map-${state}`}>
                {found ? t("education.mapRank", { rank: found.rank }) : "—"}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">
        <span className="map-key map-key-priority" aria-hidden="true" /> {t("education.priority")}
        {" "}<span className="map-key map-key-ranked" aria-hidden="true" /> {t("education.mapOthers")}
        {" · "}{t("education.mapSchematic")}
      </figcaption>
    </figure>
  );
}
