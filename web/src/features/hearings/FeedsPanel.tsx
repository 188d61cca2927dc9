// The lawyer's calendar subscription: a secret link for a calendar app (shown once, revocable), and the
// agenda as an .ics file. Neither names a victim.
import { useState } from "react";
import { useServices } from "../../app/context";
import { ConfirmButton, ProblemView, Status } from "../../app/ui";
import { authorisedFetch } from "../../lib/api/client";
import { saveBlob } from "../../lib/download";
import { problemOf } from "../../lib/api/problem";
import { asProblem, useLoad } from "../../lib/api/load";
import { formatInstant } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { createFeed, listFeeds, revokeFeed } from "./queries";

export function FeedsPanel() {
  const { t, language } = useI18n();
  const { clients, config, requests } = useServices();
  const feeds = useLoad(() => listFeeds(clients), [clients]);
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const act = async (action: () => Promise<void>) => {
    setProblem(null);
    try {
      await action();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const create = () => act(async () => {
    const created = await createFeed(clients);
    setLink(`${config.services.casework}${created.url_path}`);
    setCopied(false);
    feeds.reload();
  });
  const download = () => act(async () => {
    const response = await authorisedFetch(requests, `${config.services.casework}/calendar/me.ics?lang=${language}`);
    if (!response.ok) return setProblem(await problemOf(response));
    saveBlob(await response.blob(), "audiences.ics");
  });
  const copy = async () => {
    if (!link) return;
    await navigator.clipboard.writeText(link).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <section className="subform" aria-labelledby="feeds-title">
      <h2 id="feeds-title">{t("feeds.title")}</h2>
      <p>{t("feeds.intro")}</p>
      {link && (
        <div className="confirm" data-testid="feed-link">
          <label htmlFor="feed-url">{t("feeds.link")}</label>
          <input id="feed-url" readOnly value={link} onFocus={(e) => e.target.select()} />
          <p className="hint">{t("feeds.once")}</p>
          <button type="button" onClick={() => void copy()}>{t("feeds.copy")}</button>
          {copied && <Status kind="ok">{t("feeds.copied")}</Status>}
        </div>
      )}
      <p className="actions">
        <button type="button" className="primary" onClick={() => void create()}>{t("feeds.create")}</button>
        <button type="button" onClick={() => void download()}>{t("feeds.download")}</button>
      </p>
      {(feeds.problem ?? problem) && <ProblemView problem={(problem ?? feeds.problem) as Problem} />}
      {(feeds.data ?? []).length > 0 && (
        <ul className="plain-list">
          {feeds.data?.map((f) => (
            <li key={f.feed_id}>
              {t("feeds.createdAt", { at: formatInstant(f.created_at, language) })}{" "}
              <ConfirmButton label={t("feeds.revoke")} question={t("feeds.revokeConfirm")} yes={t("feeds.revoke")} danger
                onConfirm={() => act(async () => { await revokeFeed(clients, f.feed_id); feeds.reload(); })} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
