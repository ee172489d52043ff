// Admin: the work queue's tasks (TaskAdminService): dead ones by default, retry or drop.
import { useEffect, useState } from "preact/hooks";
import { TaskState, type Task } from "@gen/loket/v1/task_pb.js";
import { clients } from "../api";
import { formatDateTime, textOr } from "../i18n";
import { useActions } from "./counter-actions";
import { ColumnHeads, StatusLine } from "./counter-ui";
import { SectionHead } from "./admin-form";
import { ConfirmButton, type T } from "./admin";

const STATES = [TaskState.DEAD, TaskState.READY, TaskState.LEASED, TaskState.DONE];
const QUEUES = ["", "notify.send", "route.plan", "slots.allocate"];

export function TasksSection({ t }: { t: T }) {
  const act = useActions(t);
  const [state, setState] = useState<TaskState>(TaskState.DEAD);
  const [queue, setQueue] = useState("");
  const [tasks, setTasks] = useState<Task[]>([]);
  const load = () =>
    act.run(`tasks:${state}:${queue}`, async () => {
      const r = await clients.taskAdmin.listTasks({ state, queue, pageSize: 200 });
      setTasks(r.tasks);
    });
  useEffect(() => {
    void load();
  }, [state, queue]);

  const retry = async (task: Task) => {
    const r = await act.run(`retry:${task.id}:${task.attempt}`, (rid) => clients.taskAdmin.retryTask({ requestId: rid, taskId: task.id }), () =>
      t("admin.retried", { id: String(task.id) }),
    );
    if (r) await load().then(() => act.setStatus({ kind: "ok", text: t("admin.retried", { id: String(task.id) }) }));
  };
  const drop = async (task: Task) => {
    const r = await act.run(`drop:${task.id}`, (rid) => clients.taskAdmin.dropTask({ requestId: rid, taskId: task.id }), () => t("admin.dropped", { id: String(task.id) }));
    if (r) await load().then(() => act.setStatus({ kind: "ok", text: t("admin.dropped", { id: String(task.id) }) }));
  };

  return (
    <section aria-labelledby="admin-tasks-h">
      <SectionHead t={t} id="admin-tasks-h" title={t("admin.tasks")} onReload={load} />
      <div class="pb-row">
        <label class="pb-field">
          <span>{t("admin.taskState")}</span>
          <select value={String(state)} onChange={(e) => setState(Number((e.target as HTMLSelectElement).value) as TaskState)}>
            {STATES.map((s) => (
              <option value={String(s)} key={s}>
                {t(`task.${TaskState[s]}`)}
              </option>
            ))}
          </select>
        </label>
        <label class="pb-field">
          <span>{t("admin.taskQueue")}</span>
          <select value={queue} onChange={(e) => setQueue((e.target as HTMLSelectElement).value)}>
            {QUEUES.map((q) => (
              <option value={q} key={q}>
                {q ? queueWords(q, t) : t("admin.taskQueueAll")}
              </option>
            ))}
          </select>
        </label>
      </div>
      <StatusLine status={act.status} />
      {tasks.length === 0 ? (
        <p>{t("admin.tasksNone")}</p>
      ) : (
        <div class="pb-table-wrap">
          <table class="pb-table">
            <ColumnHeads labels={[t("admin.col.id"), t("admin.col.queue"), t("admin.col.attempts"), t("admin.col.error"), t("admin.col.created"), t("admin.col.actions")]} />
            <tbody>
              {tasks.map((task) => (
                <tr key={String(task.id)} data-task-id={String(task.id)}>
                  <th scope="row">{String(task.id)}</th>
                  <td>
                    {queueWords(task.queue, t)}
                    {task.dedupeKey ? <span class="muted"> · {task.dedupeKey}</span> : null}
                  </td>
                  <td>
                    {task.attempt}/{task.maxAttempts}
                  </td>
                  <td class="admin-error">{task.lastError || "—"}</td>
                  <td>{formatDateTime(task.createdAt)}</td>
                  <td>
                  <div class="admin-row-actions">
                    {task.state === TaskState.DEAD ? (
                      <>
                        <button type="button" class="small" aria-label={`${t("admin.retry")} ${String(task.id)}`} disabled={act.busy !== null} onClick={() => retry(task)}>
                          {t("admin.retry")}
                        </button>
                        <ConfirmButton t={t} class="small danger" label={t("admin.drop")} disabled={act.busy !== null} onConfirm={() => void drop(task)} />
                      </>
                    ) : (
                      "—"
                    )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A queue in words with its name after it, for the operator who reads logs: "Kirim pemberitahuan
 * (notify.send)"; a queue the page does not know is shown by its name alone. */
function queueWords(queue: string, t: T): string {
  const words = textOr(t, `admin.queue.${queue}`, "");
  return words ? `${words} (${queue})` : queue;
}
