// The clinic's outbox: applications, documents, revision answers and bookings wait in IndexedDB
// until loketd has them. Each entry carries the request_id made when the user pressed the button
// (one per call: the submission, each document, the revision); every retry reuses it, and loketd
// answers a repeated request_id with the first result, so nothing is filed twice.
// Sent when the page loads, when the browser says it is `online` again, and every 30 s while
// something waits. Form drafts live in a second store so a half-filled form survives a reload.
import { useEffect, useState } from "preact/hooks";
import { clients, isNetworkError, Code, ConnectError } from "./api";
import { currentPrincipal, onSessionChange } from "./session";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ApplicantSchema } from "@gen/loket/v1/common_pb.js";

export type OutDoc = {
  requestId: string;
  code: string;
  fileName: string;
  mediaType: string;
  bytes: Uint8Array;
  sha256: string;
  done: boolean;
};

export type PlainApplicant = {
  nik: string;
  name: string;
  phone: string;
  email: string;
  priorityClass: number;
  accessibilityNeeds: number[];
  language: string;
};

export type OutSubmit = {
  requestId: string;
  permitType: string;
  applicant: PlainApplicant;
  practicePlace: string;
  strNumber: string;
  strValidUntil?: string; // entries queued before the field existed have none
  draft: boolean;
  pickup?: { day: string; after: string; before: string };
};

export type OutBook = {
  requestId: string;
  service: string;
  applicant: PlainApplicant;
  windows: { startsAt: string; endsAt: string }[];
  caseId?: string;
};

export type EntryStatus = "waiting" | "sending" | "sent" | "failed";

export type OutEntry = {
  id: string;
  principalId: string;
  kind: "application" | "documents" | "revision" | "appointment";
  label: string;
  createdAt: string;
  status: EntryStatus;
  /** loketd's refusal, when status is failed: its code and words. */
  errorCode?: number;
  errorMessage?: string;
  /** At which step it failed: "submit", a document's code, "revise", "book". */
  failedAt?: string;
  caseId?: string;
  submit?: OutSubmit;
  docs: OutDoc[];
  revise?: { requestId: string; note: string };
  book?: OutBook;
  appointmentId?: string;
  sentAt?: string;
};

const DB = "loket";
const OUTBOX = "outbox";
const DRAFTS = "drafts";
const EVENT = "loket-outbox";

let dbp: Promise<IDBDatabase> | null = null;
function db(): Promise<IDBDatabase> {
  if (!dbp) {
    dbp = new Promise((resolve, reject) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => {
        const d = r.result;
        if (!d.objectStoreNames.contains(OUTBOX)) d.createObjectStore(OUTBOX, { keyPath: "id" });
        if (!d.objectStoreNames.contains(DRAFTS)) d.createObjectStore(DRAFTS, { keyPath: "key" });
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  return dbp;
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function store(name: string, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await db()).transaction(name, mode).objectStore(name);
}

let channel: BroadcastChannel | null = null;
try {
  channel = new BroadcastChannel(EVENT);
  channel.onmessage = () => window.dispatchEvent(new Event(EVENT));
} catch {
  channel = null;
}

function changed() {
  window.dispatchEvent(new Event(EVENT));
  channel?.postMessage("changed");
}

export async function allEntries(): Promise<OutEntry[]> {
  const s = await store(OUTBOX, "readonly");
  const all = (await req(s.getAll())) as OutEntry[];
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function getEntry(id: string): Promise<OutEntry | undefined> {
  const s = await store(OUTBOX, "readonly");
  return (await req(s.get(id))) as OutEntry | undefined;
}

async function putEntry(e: OutEntry): Promise<void> {
  const s = await store(OUTBOX, "readwrite");
  await req(s.put(e));
  changed();
}

/** loketd's refusal of a failed entry as the error it was (Unknown when it gave no code). */
export function refusalOf(e: OutEntry): ConnectError {
  return new ConnectError(e.errorMessage ?? "", (e.errorCode ?? Code.Unknown) as Code);
}

export async function removeEntry(id: string): Promise<void> {
  const s = await store(OUTBOX, "readwrite");
  await req(s.delete(id));
  changed();
}

/** Puts a new entry in the outbox (status waiting) before anything goes over the network. */
export async function enqueue(e: Omit<OutEntry, "principalId" | "createdAt" | "status">): Promise<OutEntry> {
  const p = currentPrincipal();
  const entry: OutEntry = {
    ...e,
    principalId: p ? p.id.toString() : "",
    createdAt: new Date().toISOString(),
    status: "waiting",
  };
  await putEntry(entry);
  return entry;
}

function applicantOf(a: PlainApplicant): MessageInitShape<typeof ApplicantSchema> {
  return {
    nik: a.nik,
    name: a.name,
    phone: a.phone,
    email: a.email,
    priorityClass: a.priorityClass,
    accessibilityNeeds: a.accessibilityNeeds,
    language: a.language,
  };
}

export type Progress = { entryId: string; done: number; total: number; step: string };
type ProgressFn = (p: Progress) => void;

class Offline extends Error {}

/** Runs one entry's remaining calls in order, saving after each so a retry resumes there. */
async function run(e: OutEntry, onProgress?: ProgressFn): Promise<void> {
  const total = (e.submit && !e.caseId ? 1 : 0) + e.docs.filter((d) => !d.done).length + (e.revise ? 1 : 0) + (e.book ? 1 : 0);
  let done = 0;
  const tick = (step: string) => onProgress?.({ entryId: e.id, done, total, step });
  e.status = "sending";
  await putEntry(e);
  let step = "";
  try {
    if (e.submit && !e.caseId) {
      step = "submit";
      tick(step);
      const s = e.submit;
      const c = await clients.case.submitApplication({
        requestId: s.requestId,
        permitType: s.permitType,
        applicant: applicantOf(s.applicant),
        practicePlace: s.practicePlace,
        strNumber: s.strNumber,
        strValidUntil: s.strValidUntil ?? "",
        draft: s.draft,
        pickup: s.pickup,
      });
      e.caseId = c.id.toString();
      done++;
      await putEntry(e);
    }
    for (const d of e.docs) {
      if (d.done) continue;
      step = d.code;
      tick(step);
      await clients.case.attachDocument({
        requestId: d.requestId,
        caseId: BigInt(e.caseId ?? "0"),
        code: d.code,
        fileName: d.fileName,
        mediaType: d.mediaType,
        content: d.bytes,
        sha256Hex: d.sha256,
      });
      d.done = true;
      done++;
      await putEntry(e);
    }
    if (e.revise) {
      step = "revise";
      tick(step);
      await clients.case.submitRevision({ requestId: e.revise.requestId, caseId: BigInt(e.caseId ?? "0"), note: e.revise.note });
      done++;
    }
    if (e.book) {
      step = "book";
      tick(step);
      const b = e.book;
      const r = await clients.appointment.createAppointmentRequest({
        requestId: b.requestId,
        service: b.service,
        applicant: applicantOf(b.applicant),
        windows: b.windows,
        caseId: b.caseId ? BigInt(b.caseId) : 0n,
      });
      e.appointmentId = r.id.toString();
      done++;
    }
    tick("done");
    e.status = "sent";
    e.sentAt = new Date().toISOString();
    e.errorCode = undefined;
    e.errorMessage = undefined;
    e.failedAt = undefined;
    await putEntry(e);
  } catch (err) {
    if (isNetworkError(err) || (err instanceof ConnectError && err.code === Code.Unauthenticated)) {
      // The line dropped (or the session ended): it waits, with its request ids, for the next try.
      e.status = "waiting";
      await putEntry(e);
      throw new Offline();
    }
    const ce = ConnectError.from(err);
    e.status = "failed";
    e.errorCode = ce.code;
    e.errorMessage = ce.rawMessage;
    e.failedAt = step;
    await putEntry(e);
  }
}

let flushing: Promise<void> | null = null;

/** Sends everything waiting for the signed-in principal; one flush at a time in this tab, one
 * tab at a time where Web Locks exist (the request ids make a double send harmless anyway). */
export function flush(onProgress?: ProgressFn): Promise<void> {
  if (flushing) return flushing;
  const work = async () => {
    const p = currentPrincipal();
    if (!p) return;
    const me = p.id.toString();
    const entries = (await allEntries()).filter((e) => e.principalId === me && (e.status === "waiting" || e.status === "sending"));
    for (const e of entries) {
      try {
        await run(e, onProgress);
      } catch (err) {
        if (err instanceof Offline) return;
        throw err;
      }
    }
  };
  flushing = (async () => {
    try {
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      if (locks) await locks.request("loket-outbox", work);
      else await work();
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/** Sends one entry now (the button was just pressed); the result is in the entry afterwards. */
export async function sendNow(id: string, onProgress?: ProgressFn): Promise<OutEntry | undefined> {
  if (flushing) await flushing.catch(() => undefined);
  const e = await getEntry(id);
  if (!e) return undefined;
  if (navigator.onLine !== false) {
    try {
      await run(e, onProgress);
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
    }
  }
  return getEntry(id);
}

/** Forgets sent entries older than a day. */
async function prune() {
  const cutoff = Date.now() - 24 * 3600 * 1000;
  for (const e of await allEntries()) {
    if (e.status === "sent" && e.sentAt && Date.parse(e.sentAt) < cutoff) await removeEntry(e.id);
  }
}

let started = false;
/** Called once by the clinic pages: flush on load, on `online`, and every 30 s while waiting. */
export function startOutbox(): void {
  if (started) return;
  started = true;
  const go = () => {
    if (navigator.onLine === false) return;
    void flush().catch(() => undefined);
  };
  window.addEventListener("online", go);
  onSessionChange((p) => {
    if (p) go();
  });
  setInterval(async () => {
    const p = currentPrincipal();
    if (!p) return;
    const me = p.id.toString();
    if ((await allEntries()).some((e) => e.principalId === me && e.status !== "sent" && e.status !== "failed")) go();
  }, 30000);
  void prune().catch(() => undefined);
  go();
}

/** The signed-in principal's outbox, re-read on every change (this tab or another). */
export function useOutbox(): OutEntry[] {
  const [entries, setEntries] = useState<OutEntry[]>([]);
  useEffect(() => {
    let alive = true;
    const load = async () => {
      const p = currentPrincipal();
      const me = p ? p.id.toString() : "";
      const all = await allEntries().catch(() => [] as OutEntry[]);
      if (alive) setEntries(all.filter((e) => e.principalId === me));
    };
    void load();
    window.addEventListener(EVENT, load);
    const off = onSessionChange(() => void load());
    return () => {
      alive = false;
      window.removeEventListener(EVENT, load);
      off();
    };
  }, []);
  return entries;
}

/** The browser's view of the line. */
export function useOnline(): boolean {
  const [on, setOn] = useState(navigator.onLine !== false);
  useEffect(() => {
    const up = () => setOn(true);
    const down = () => setOn(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
    };
  }, []);
  return on;
}

// Form drafts: what was typed, kept as the user types (never sent until they press a button).
export async function saveDraft(key: string, value: unknown): Promise<void> {
  const s = await store(DRAFTS, "readwrite");
  await req(s.put({ key, value, savedAt: new Date().toISOString() }));
}

export async function loadDraft<T>(key: string): Promise<{ value: T; savedAt: string } | undefined> {
  const s = await store(DRAFTS, "readonly");
  return (await req(s.get(key))) as { value: T; savedAt: string } | undefined;
}

export async function deleteDraft(key: string): Promise<void> {
  const s = await store(DRAFTS, "readwrite");
  await req(s.delete(key));
}
