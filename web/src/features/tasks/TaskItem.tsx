// One deadline: its kind, due date, the service's overdue flag, and "done" while it is open.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Link } from "../../app/router";
import { ProblemView } from "../../app/ui";
import { asProblem } from "../../lib/api/load";
import { formatDay, todayInBamako } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { labelIn, useList } from "../../lib/vocab/terms";
import { completeTask, type Task } from "./queries";

export function TaskItem({ task, onChanged, withCase }: { task: Task; onChanged: () => void; withCase?: boolean }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const kinds = useList(clients, "casework:task_kinds");
  const [problem, setProblem] = useState<Problem | null>(null);
  const complete = async () => {
    setProblem(null);
    try {
      await completeTask(clients, task.id, todayInBamako());
      onChanged();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const state = task.status === "done" ? "done" : task.is_overdue ? "overdue" : "open";
  return (
    <li className={`queue-item task-${state}`} data-testid="task" data-state={state}>
      <div className="queue-head">
        <strong>{labelIn(kinds, task.kind, language)}</strong>
        <span className={`badge badge-${state}`}>{t(`task.state.${state}`)}</span>
      </div>
      <p className="meta">{task.status === "done"
        ? t("task.doneOn", { date: formatDay(task.completed_on ?? "", language) })
        : t("task.dueOn", { date: formatDay(task.due_on, language) })}</p>
      {withCase && <p><Link to={`/cases/${task.case_id}`}>{t("inbox.openCase")}</Link></p>}
      {task.status === "open" && <button type="button" onClick={() => void complete()}>{t("task.complete")}</button>}
      {problem && <ProblemView problem={problem} />}
    </li>
  );
}
