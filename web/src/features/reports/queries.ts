// Advocacy's published reports through the generated client; files are fetched with the user's token.
import { authorisedFetch, unwrap, type Clients, type RequestContext } from "../../lib/api/client";
import { ApiError, problemOf } from "../../lib/api/problem";
import type { components } from "../../lib/api/generated/advocacy";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";

export type Report = components["schemas"]["ReportPublic"];
export type ReportCreate = components["schemas"]["ReportCreate"];

export function listReports(clients: Clients): Promise<Report[]> {
  // Every page, the largest the service serves: the screen lists every published report.
  return everyItem((cursor) => unwrap(clients.advocacy.GET("/reports", { params: { query: { limit: PAGE_SIZE, cursor } } })));
}

export function publishReport(clients: Clients, body: ReportCreate) {
  return unwrap(clients.advocacy.POST("/reports", { body }));
}

/** SHA-256 of bytes as lowercase hex, computed in the browser (WebCrypto). */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The bytes of one file of a report, as the service serves them. */
export async function fetchFile(base: string, requests: RequestContext, report: string, name: string): Promise<Blob> {
  const response = await authorisedFetch(requests, `${base}/reports/${encodeURIComponent(report)}/files/${name}`);
  if (!response.ok) throw new ApiError(await problemOf(response));
  return response.blob();
}
