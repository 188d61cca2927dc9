// A case's deadlines: the list (overdue ones flagged by the service) and a new deadline for one of the
// case's lawyers.
import { useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, ProblemView, errorFor } from "../../app/ui";
import { asProblem, useLoad } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { labelIn, useList } from "../../lib/vocab/terms";
import type { Case } from "../cases/queries";
import { caseTasks, createTask } from "./queries";
import { TaskItem } from "./TaskItem";

export function TasksPanel({ value }: { value: Case }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const tasks = useLoad(() => caseTasks(clients, value.id), [clients, value.id]);
  return (
    <section className="subform" id="tasks" aria-labelledby="tasks-title">
      <h2 id="tasks-title">{t("tasks.title")}</h2>
      {tasks.problem && <ProblemView problem={tasks.problem} />}
      {tasks.data?.length === 0 && <p>{t("tasks.none")}</p>}
      <ul className="queue">{tasks.data?.map((task) => <TaskItem key={task.id} task={task} onChanged={tasks.reload} />)}</ul>
      {value.status === "open" && <TaskForm value={value} onCreated={tasks.reload} />}
    </section>
  );
}

function TaskForm({ value, onCreated }: { value: Case; onCreated: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const me = useSession().claims?.sub ?? "";
  const kinds = useList(clients, "casework:task_kinds");
  const [assignee, setAssignee] = useState(value.lawyers.includes(me) ? me : value.lawyers[0] ?? "");
  const [kind, setKind] = useState("");
  const [due, setDue] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await createTask(clients, value.id, { assignee, kind, due_on: due });
      setKind("");
      setDue("");
      onCreated();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <form onSubmit={submit} aria-label={t("tasks.add")}>
      <h3>{t("tasks.add")}</h3>
      <div className="row">
        <Field label={t("field.kind")} error={errorFor(problem, "kind")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={kind} required onChange={(e) => setKind(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {kinds.map((k) => <option key={k.code} value={k.code}>{labelIn(kinds, k.code, language)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("field.due_on")} error={errorFor(problem, "due_on")}>
          {(id, d) => <input id={id} aria-describedby={d} type="date" value={due} required
            onChange={(e) => setDue(e.target.value)} />}
        </Field>
        <Field label={t("field.assignee")} error={errorFor(problem, "assignee")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={assignee} required onChange={(e) => setAssignee(e.target.value)}>
              {value.lawyers.map((l) => <option key={l} value={l}>{l === me ? t("case.you") : l}</option>)}
            </select>
          )}
        </Field>
      </div>
      <FormProblem problem={problem} fields={["kind", "due_on", "assignee"]} />
      <button type="submit">{t("tasks.addConfirm")}</button>
    </form>
  );
}
