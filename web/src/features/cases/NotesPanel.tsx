// Privileged notes, for the case's lawyers only: read from casework (no-store, decrypted there, audited)
// into this screen's memory, never kept on the device.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, ProblemView, errorFor, shortId } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useSubmit } from "../../lib/api/submit";
import { useSession } from "../../lib/auth/session";
import { formatInstant } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { addNote, readNotes } from "./queries";

export function NotesPanel({ caseId, victimIds }: { caseId: string; victimIds: string[] }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const me = useSession().claims?.sub;
  const notes = useLoad(() => readNotes(clients, caseId), [clients, caseId]);
  const [text, setText] = useState("");
  const [about, setAbout] = useState("");
  const { problem, busy, submit } = useSubmit(() => addNote(clients, caseId, text, about || null), () => {
    setText("");
    notes.reload();
  });
  return (
    <section className="subform" id="notes" aria-labelledby="notes-title">
      <h2 id="notes-title">{t("notes.title")}</h2>
      <p className="hint">{t("notes.intro")}</p>
      {notes.problem && <ProblemView problem={notes.problem} />}
      <ul className="plain-list">
        {notes.data?.map((n) => (
          <li key={n.id} className="note">
            <p className="meta">{formatInstant(n.created_at, language)} · {n.author === me ? t("case.you") : n.author}
              {" · "}{n.victim_id ? t("notes.aboutVictim", { id: shortId(n.victim_id) }) : t("notes.collective")}</p>
            <p className="note-text">{n.text}</p>
          </li>
        ))}
      </ul>
      {notes.data?.length === 0 && <p>{t("notes.none")}</p>}
      <form onSubmit={(e) => void submit(e)} aria-label={t("notes.add")}>
        <Field label={t("notes.new")} error={errorFor(problem, "text")}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={3} value={text} required
            onChange={(e) => setText(e.target.value)} />}
        </Field>
        {victimIds.length > 1 && (
          <Field label={t("notes.about")} error={errorFor(problem, "victim_id")}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={about} onChange={(e) => setAbout(e.target.value)}>
                <option value="">{t("notes.collective")}</option>
                {victimIds.map((v) => <option key={v} value={v}>{t("notes.aboutVictim", { id: shortId(v) })}</option>)}
              </select>
            )}
          </Field>
        )}
        <FormProblem problem={problem} fields={["text", "victim_id"]} />
        <button type="submit" disabled={busy}>{t("notes.add")}</button>
      </form>
    </section>
  );
}
