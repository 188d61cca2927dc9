// Casework's deadlines through the generated client.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/casework";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";


export type Task = components["schemas"]["TaskPublic"];
export type TaskCreate = components["schemas"]["TaskCreate"];

export function caseTasks(clients: Clients, caseId: string): Promise<Task[]> {
  return everyItem((cursor) => unwrap(clients.casework.GET("/cases/{case_id}/tasks",
    { params: { path: { case_id: caseId }, query: { limit: PAGE_SIZE, cursor } } })));
}

export function myTasks(clients: Clients, status?: "open" | "done"): Promise<Task[]> {
  return everyItem((cursor) => unwrap(clients.casework.GET("/tasks", { params: { query: { status, limit: PAGE_SIZE, cursor } } })));
}

export function createTask(clients: Clients, caseId: string, body: TaskCreate) {
  return unwrap(clients.casework.POST("/cases/{case_id}/tasks", { params: { path: { case_id: caseId } }, body }));
}

export function completeTask(clients: Clients, id: string, completedOn: string) {
  return unwrap(clients.casework.POST("/tasks/{task_id}/complete",
    { params: { path: { task_id: id } }, body: { completed_on: completedOn } }));
}
