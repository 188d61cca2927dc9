// The lawyer's deadlines across their cases, open first; overdue ones flagged by the service.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Choice, PageTitle, ProblemView, Status } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useI18n } from "../../lib/i18n/i18n";
import { myTasks } from "./queries";
import { TaskItem } from "./TaskItem";

export function TasksScreen() {
  const { t } = useI18n();
  const { clients } = useServices();
  const [status, setStatus] = useState<"open" | "done">("open");
  const tasks = useLoad(() => myTasks(clients, status), [clients, status]);
  const overdue = (tasks.data ?? []).filter((task) => task.is_overdue).length;
  return (
    <section className="card">
      <PageTitle title="tasks.mine" intro="tasks.mineIntro" />
      <Choice label={t("inbox.show")} value={status} onChange={setStatus} options={[
        { value: "open", label: t("tasks.open") }, { value: "done", label: t("tasks.done") }]} />
      {tasks.problem && <ProblemView problem={tasks.problem} />}
      {!tasks.data && !tasks.problem && <Status kind="info">{t("common.loading")}</Status>}
      {overdue > 0 && <Status kind="warn">{t("tasks.overdueCount", { count: overdue })}</Status>}
      {tasks.data?.length === 0 && <p>{t("tasks.none")}</p>}
      <ul className="queue">
        {tasks.data?.map((task) => <TaskItem key={task.id} task={task} onChanged={tasks.reload} withCase />)}
      </ul>
    </section>
  );
}
