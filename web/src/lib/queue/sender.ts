// Sends one queued item to intake through the generated client, and classifies the answer:
// stored (2xx), refused (4xx: held for correction), or retry (network, timeout, 401, 408, 429, 5xx).
import { authorisedFetch, REQUEST_TIMEOUT_MS, type Clients, type RequestContext } from "../api/client";
import type { components } from "../api/generated/intake";
import { isTransient, problemFrom, problemOf } from "../api/problem";
import type { AppConfig } from "../config";
import { parseRetryAfter, type QueueItem } from "./model";
import type { SendResult, Sender } from "./sync";

type Schemas = components["schemas"];

interface Answer {
  response: Response;
  serverId?: string | undefined;
  sha256?: string | undefined;
  /** The error body already parsed by the typed client; absent when the body is still unread. */
  error?: unknown;
}

async function classify(answer: Answer): Promise<SendResult> {
  const { response } = answer;
  if (response.ok && answer.serverId) {
    return answer.sha256 ? { outcome: "stored", serverId: answer.serverId, sha256: answer.sha256 }
      : { outcome: "stored", serverId: answer.serverId };
  }
  if (response.status === 401) return { outcome: "retry", signIn: true };
  if (isTransient(response.status) || response.ok) {
    const retryAfterMs = parseRetryAfter(response.headers.get("Retry-After"));
    return retryAfterMs === undefined ? { outcome: "retry" } : { outcome: "retry", retryAfterMs };
  }
  const problem = "error" in answer ? problemFrom(response.status, answer.error) : await problemOf(response);
  return { outcome: "refused", problem };
}

export interface FileSource {
  file(id: string): Promise<ArrayBuffer | undefined>;
}

export function intakeSender(config: AppConfig, clients: Clients, context: RequestContext, files: FileSource): Sender {
  const timeout = () => AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const send = async (item: QueueItem, payload: Record<string, unknown>): Promise<Answer> => {
    const header = { "Idempotency-Key": item.idempotencyKey };
    switch (item.kind) {
      case "victim": {
        const r = await clients.intake.POST("/victims", {
          params: { header }, body: payload as unknown as Schemas["VictimCreate"], signal: timeout() });
        return { response: r.response, serverId: r.data?.id, error: r.error };
      }
      case "incident": {
        const r = await clients.intake.POST("/incidents", {
          params: { header }, body: payload as unknown as Schemas["IncidentCreate"], signal: timeout() });
        return { response: r.response, serverId: r.data?.id, error: r.error };
      }
      case "referral": {
        const { victim_id: victimId, ...body } = payload as { victim_id: string } & Schemas["ReferralCreate"];
        const r = await clients.intake.POST("/victims/{victim_id}/referrals", {
          params: { header, path: { victim_id: victimId } }, body, signal: timeout() });
        return { response: r.response, serverId: r.data?.referral_id, error: r.error };
      }
      case "evidence":
        return sendEvidence(config, context, files, item, payload);
    }
  };
  return async (item, payload) => {
    try {
      return await classify(await send(item, payload));
    } catch {
      // A network failure or a timeout: nothing is known of the outcome, so the same key goes again.
      return { outcome: "retry" };
    }
  };
}

async function sendEvidence(config: AppConfig, context: RequestContext, files: FileSource, item: QueueItem,
  payload: Record<string, unknown>): Promise<Answer> {
  const bytes = await files.file(item.id);
  if (!bytes) throw new Error("the evidence file is missing from the queue");
  const form = new FormData();
  if (typeof payload.incident_id === "string") form.append("incident_id", payload.incident_id);
  if (typeof payload.confidentiality === "string") form.append("confidentiality", payload.confidentiality);
  form.append("file", new Blob([bytes], { type: item.mediaType ?? "application/octet-stream" }),
    item.fileName ?? "evidence");
  const response = await authorisedFetch(context, `${config.services.intake}/evidence`, {
    method: "POST", body: form, headers: { "Idempotency-Key": item.idempotencyKey },
  });
  if (!response.ok) return { response };
  const body = (await response.json()) as Schemas["EvidencePublic"];
  return { response, serverId: body.id, sha256: body.sha256 };
}
