// A new application, built from the permit catalog: the documents each type needs, uploads
// checked in the browser (PDF/JPEG/PNG, 5 MiB) and sent one by one with progress, the server's
// field-named errors beside their fields. Pressing the button first puts the whole submission in
// the outbox (IndexedDB) with its request ids, so a dropped line loses nothing.
import { useEffect, useRef, useState } from "preact/hooks";
import { PriorityClass, AccessibilityNeed } from "@gen/loket/v1/common_pb.js";
import type { PermitType } from "@gen/loket/v1/catalog_pb.js";
import { Page } from "../layout";
import { useT, formatDateTime, getLang, byteSize, isClock } from "../i18n";
import { errorText, fieldOf, messageAfterField, newRequestId } from "../api";
import { enqueue, refusalOf, sendNow, startOutbox, removeEntry, saveDraft, loadDraft, deleteDraft, type OutDoc, type Progress } from "../outbox";
import { navigate, type RouteProps } from "../router";
import { sha256Hex } from "../sha256";
import { clinicStrings } from "./clinic.i18n";
import { caseStrings, usePermitTypes } from "./case-parts";
import { clinicNav, checkFile, OutboxPanel } from "./clinic-common";
import { problemText } from "../server-text";
import { officeToday } from "../i18n";
import { NIK_INPUT_MAX, nikTyped } from "../nik";
import { ClockInput } from "../clock-input";
import { FileInput } from "../file-input";
import { DateInput } from "../date-input";

type Form = {
  permitType: string;
  nik: string;
  name: string;
  phone: string;
  email: string;
  language: string;
  priority: number;
  needs: number[];
  strNumber: string;
  strValidUntil: string;
  practicePlace: string;
  pickupDay: string;
  pickupAfter: string;
  pickupBefore: string;
};

type ChosenDoc = { fileName: string; size: number; mediaType: string; bytes: Uint8Array };

const EMPTY: Form = {
  permitType: "",
  nik: "",
  name: "",
  phone: "",
  email: "",
  language: "id",
  priority: PriorityClass.HEALTH_WORKER,
  needs: [],
  strNumber: "",
  strValidUntil: "",
  practicePlace: "",
  pickupDay: "",
  pickupAfter: "",
  pickupBefore: "",
};

const DRAFT_KEY = "clinic-new";

// Server field names (INVALID_ARGUMENT "field: message") to the form's fields.
const FIELD_MAP: Record<string, string> = {
  permit_type: "permitType",
  "applicant.nik": "nik",
  "applicant.name": "name",
  "applicant.phone": "phone",
  "applicant.email": "email",
  "applicant.language": "language",
  "applicant.priority": "priority",
  "applicant.priority_class": "priority",
  "applicant.needs": "needs",
  "applicant.accessibility_needs": "needs",
  str_number: "strNumber",
  str_valid_until: "strValidUntil",
  practice_place: "practicePlace",
  "pickup.day": "pickupDay",
  "pickup.after": "pickupAfter",
  "pickup.before": "pickupBefore",
  pickup: "pickupDay",
};

const PRIORITIES = [PriorityClass.NONE, PriorityClass.HEALTH_WORKER, PriorityClass.ELDERLY, PriorityClass.DISABILITY];
const NEEDS = [AccessibilityNeed.WHEELCHAIR, AccessibilityNeed.SIGN_LANGUAGE, AccessibilityNeed.SEATED_SERVICE];

type T = (key: string, vars?: Record<string, string | number>) => string;

// What the browser can tell before sending, all at once (loketd checks it all again).
function validate(f: Form, t: T, healthWorker: boolean): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.permitType) e.permitType = t("v.permitType");
  if (!/^\d{16}$/.test(f.nik.trim())) e.nik = t("v.nik");
  const n = f.name.trim();
  if (n.length < 2 || n.length > 100) e.name = t("v.name");
  if (!/^(\+62|62|0)[1-9]\d{7,11}$/.test(f.phone.replace(/[\s-]/g, ""))) e.phone = t("v.phone");
  if (f.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email.trim())) e.email = t("v.email");
  if (f.pickupAfter && !isClock(f.pickupAfter)) e.pickupAfter = t("v.time");
  if (f.pickupBefore && !isClock(f.pickupBefore, true)) e.pickupBefore = t("v.time");
  if (!e.pickupAfter && !e.pickupBefore && f.pickupAfter && f.pickupBefore && f.pickupAfter >= f.pickupBefore) {
    e.pickupAfter = t("v.pickupOrder");
  }
  // A health worker's permit rests on an STR that is still valid (server/domain/case.cc).
  if (healthWorker && !f.strNumber.trim()) e.strNumber = t("v.required");
  if (healthWorker && !f.practicePlace.trim()) e.practicePlace = t("v.required");
  if (f.strValidUntil && f.strValidUntil < officeToday()) e.strValidUntil = t("v.strEnded");
  return e;
}

export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: (a: { id: string; "aria-invalid"?: "true"; "aria-describedby"?: string }) => preact.ComponentChildren;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field" data-field={props.id}>
      <label for={props.id}>
        {props.label}
        {props.hint && (
          <span class="hint" id={`${props.id}-hint`}>
            {props.hint}
          </span>
        )}
      </label>
      {props.children({ id: props.id, "aria-invalid": props.error ? "true" : undefined, "aria-describedby": describedBy })}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A Field with the permit types to choose from ("choose…" first). */
export function PermitTypeField({ id, label, choose, error, value, onValue, types }: { id: string; label: string; choose: string; error?: string; value: string; onValue: (v: string) => void; types: PermitType[] }) {
  return (
    <Field id={id} label={label} error={error}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          <option value="">{choose}</option>
          {types.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export default function ClinicNew(_props: RouteProps) {
  const t = useT(clinicStrings, caseStrings);
  const types = usePermitTypes();
  const [form, setForm] = useState<Form>(EMPTY);
  const [docs, setDocs] = useState<Record<string, ChosenDoc>>({});
  const [docErrors, setDocErrors] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ kind: "ok" | "warn" | "bad"; text: string; caseId?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [savedAt, setSavedAt] = useState("");
  const loaded = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => startOutbox(), []);

  // The form survives a reload or a closed tab: restored from IndexedDB, kept as the user types.
  useEffect(() => {
    loadDraft<{ form: Form; docs: Record<string, ChosenDoc> }>(DRAFT_KEY)
      .then((d) => {
        if (d) {
          setForm({ ...EMPTY, ...d.value.form });
          setDocs(d.value.docs ?? {});
          setSavedAt(d.savedAt);
        }
      })
      .catch(() => undefined)
      .finally(() => {
        loaded.current = true;
      });
  }, []);
  useEffect(() => {
    if (!loaded.current) return;
    const id = setTimeout(() => {
      saveDraft(DRAFT_KEY, { form, docs })
        .then(() => setSavedAt(new Date().toISOString()))
        .catch(() => undefined);
    }, 400);
    return () => clearTimeout(id);
  }, [form, docs]);

  const pt = types.find((p) => p.code === form.permitType);
  const set = (k: keyof Form, v: string | number | number[]) => setForm((f) => ({ ...f, [k]: v }));

  async function choose(code: string, input: HTMLInputElement) {
    const f = input.files?.[0];
    if (!f) {
      setDocErrors((e) => {
        const n = { ...e };
        delete n[code];
        return n;
      });
      setDocs((d) => {
        const n = { ...d };
        delete n[code];
        return n;
      });
      return;
    }
    const r = await checkFile(f, t);
    if ("error" in r) {
      setDocErrors((e) => ({ ...e, [code]: r.error }));
      input.value = "";
      setDocs((d) => {
        const n = { ...d };
        delete n[code];
        return n;
      });
      return;
    }
    setDocErrors((e) => {
      const n = { ...e };
      delete n[code];
      return n;
    });
    setDocs((d) => ({ ...d, [code]: { fileName: f.name, size: f.size, mediaType: r.mediaType, bytes: r.bytes } }));
  }

  function focusFirstError(errs: Record<string, string>) {
    const first = Object.keys(errs)[0];
    if (first) setTimeout(() => document.getElementById(first.startsWith("doc-") ? first : first)?.focus(), 0);
  }

  async function submit(draft: boolean) {
    const errs = validate(form, t, !!pt?.healthWorker);
    setErrors(errs);
    if (Object.keys(errs).length || Object.keys(docErrors).length) {
      setStatus({ kind: "bad", text: t("new.fixErrors") });
      focusFirstError(errs);
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      // The request ids are made now, when the button is pressed, and stored with the entry.
      const outDocs: OutDoc[] = [];
      for (const [code, d] of Object.entries(docs)) {
        if (pt && !pt.requiredDocuments.some((r) => r.code === code)) continue;
        outDocs.push({ requestId: newRequestId(), code, fileName: d.fileName, mediaType: d.mediaType, bytes: d.bytes, sha256: await sha256Hex(d.bytes), done: false });
      }
      const pickup =
        form.pickupDay || form.pickupAfter || form.pickupBefore
          ? { day: form.pickupDay, after: form.pickupAfter, before: form.pickupBefore }
          : undefined;
      const rid = newRequestId();
      const entry = await enqueue({
        id: rid,
        kind: "application",
        label: `${form.name.trim()} · ${pt?.name ?? form.permitType}`,
        submit: {
          requestId: rid,
          permitType: form.permitType,
          applicant: {
            nik: form.nik.trim(),
            name: form.name.trim(),
            phone: form.phone.trim(),
            email: form.email.trim(),
            priorityClass: form.priority,
            accessibilityNeeds: form.needs,
            language: form.language,
          },
          practicePlace: form.practicePlace.trim(),
          strNumber: form.strNumber.trim(),
          strValidUntil: form.strValidUntil,
          draft,
          pickup,
        },
        docs: outDocs,
      });
      const name = form.name.trim();
      const after = await sendNow(entry.id, setProgress);
      setProgress(null);
      if (!after || after.status === "waiting" || after.status === "sending") {
        clearForm();
        setStatus({ kind: "warn", text: t("new.queued", { name }) });
        return;
      }
      if (after.status === "sent") {
        clearForm();
        setStatus({ kind: "ok", text: t("new.sent", { id: after.caseId ?? "" }), caseId: after.caseId });
        // The case page shows the confirmation with the tracking code for the applicant.
        navigate(`/clinic/case/${after.caseId}?sent=1`);
        return;
      }
      // Refused by loketd.
      const err = refusalOf(after);
      if (after.failedAt === "submit") {
        await removeEntry(after.id);
        const f = fieldOf(err);
        const mapped = f ? FIELD_MAP[f] : undefined;
        if (mapped) {
          const e2 = { [mapped]: problemText(messageAfterField(err), t) };
          setErrors(e2);
          focusFirstError(e2);
          setStatus({ kind: "bad", text: t("new.fixErrors") });
        } else {
          setStatus({ kind: "bad", text: errorText(err, t) });
        }
      } else {
        clearForm();
        setStatus({ kind: "bad", text: t("new.partFailed", { id: after.caseId ?? "", code: after.failedAt ?? "", msg: errorText(err, t) }), caseId: after.caseId });
      }
    } catch (err) {
      setStatus({ kind: "bad", text: errorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  function clearForm() {
    setForm({ ...EMPTY, permitType: form.permitType });
    setDocs({});
    setErrors({});
    formRef.current?.querySelectorAll<HTMLInputElement>("input[type=file]").forEach((i) => (i.value = ""));
    void deleteDraft(DRAFT_KEY).catch(() => undefined);
    setSavedAt("");
  }

  const docStatus = (code: string): string => {
    if (!progress) return "";
    const codes = Object.keys(docs);
    const idx = codes.indexOf(code);
    const cur = codes.indexOf(progress.step);
    if (progress.step === "done" || (cur >= 0 && idx < cur)) return t("file.done");
    if (progress.step === code) return t("file.uploading");
    return t("file.waiting");
  };

  return (
    <Page title={t("new.title")} nav={clinicNav(t)}>
      <p>{t("new.intro")}</p>
      <form ref={formRef} noValidate onSubmit={(e) => { e.preventDefault(); void submit(false); }}>
        <PermitTypeField id="permitType" label={t("new.permitType")} choose={t("new.choose")} error={errors.permitType} value={form.permitType} onValue={(v) => set("permitType", v)} types={types.filter((p) => p.healthWorker)} />
        {pt && (
          <div class="notice">
            <p>{t("new.fee", { fee: Number(pt.feeIdr).toLocaleString(getLang() === "en" ? "en-GB" : "id-ID"), days: pt.serviceLevelDays })}</p>
            <h3>{t("new.requiredDocs")}</h3>
            <ul data-testid="required-docs">
              {pt.requiredDocuments.map((r) => (
                <li key={r.code}>
                  {r.name} — <strong>{r.mandatory ? t("new.mandatory") : t("new.optional")}</strong>
                </li>
              ))}
            </ul>
          </div>
        )}
        <fieldset>
          <legend>{t("new.applicant")}</legend>
          <Field id="nik" label={t("new.nik")} hint={t("new.nikHint")} error={errors.nik}>
            {(a) => <input {...a} type="text" inputMode="numeric" autoComplete="off" maxLength={NIK_INPUT_MAX} value={form.nik} onInput={(e) => set("nik", nikTyped(e.currentTarget.value))} />}
          </Field>
          <Field id="name" label={t("new.name")} error={errors.name}>
            {(a) => <input {...a} type="text" autoComplete="off" value={form.name} onInput={(e) => set("name", e.currentTarget.value)} />}
          </Field>
          <Field id="phone" label={t("new.phone")} hint={t("new.phoneHint")} error={errors.phone}>
            {(a) => <input {...a} type="tel" autoComplete="off" value={form.phone} onInput={(e) => set("phone", e.currentTarget.value)} />}
          </Field>
          <Field id="email" label={t("new.email")} error={errors.email}>
            {(a) => <input {...a} type="email" autoComplete="off" value={form.email} onInput={(e) => set("email", e.currentTarget.value)} />}
          </Field>
          <Field id="language" label={t("new.language")} error={errors.language}>
            {(a) => (
              <select {...a} value={form.language} onChange={(e) => set("language", e.currentTarget.value)}>
                <option value="id">{t("new.lang.id")}</option>
                <option value="en">{t("new.lang.en")}</option>
              </select>
            )}
          </Field>
          <Field id="priority" label={t("new.priority")} error={errors.priority}>
            {(a) => (
              <select {...a} value={String(form.priority)} onChange={(e) => set("priority", Number(e.currentTarget.value))}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={String(p)}>
                    {t("new.priority." + PriorityClass[p])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset id="needs" aria-describedby={errors.needs ? "needs-error" : undefined}>
            <legend>{t("new.needs")}</legend>
            {NEEDS.map((n) => (
              <label class="check" key={n}>
                <input
                  type="checkbox"
                  checked={form.needs.includes(n)}
                  onChange={(e) => set("needs", e.currentTarget.checked ? [...form.needs, n] : form.needs.filter((x) => x !== n))}
                />
                {t("new.need." + AccessibilityNeed[n])}
              </label>
            ))}
            {errors.needs && <p class="field-error" id="needs-error">{errors.needs}</p>}
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>{t("new.practice")}</legend>
          <Field id="strNumber" label={pt?.healthWorker ? `${t("new.strNumber")} *` : t("new.strNumber")} error={errors.strNumber}>
            {(a) => <input {...a} type="text" autoComplete="off" value={form.strNumber} onInput={(e) => set("strNumber", e.currentTarget.value)} />}
          </Field>
          <Field id="strValidUntil" label={t("new.strValidUntil")} error={errors.strValidUntil}>
            {(a) => <DateInput {...a} value={form.strValidUntil} onInput={(e) => set("strValidUntil", e.currentTarget.value)} />}
          </Field>
          <Field id="practicePlace" label={pt?.healthWorker ? `${t("new.practicePlace")} *` : t("new.practicePlace")} error={errors.practicePlace}>
            {(a) => <input {...a} type="text" autoComplete="off" value={form.practicePlace} onInput={(e) => set("practicePlace", e.currentTarget.value)} />}
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t("new.pickup")}</legend>
          <p class="hint">{t("new.pickupHint")}</p>
          <Field id="pickupDay" label={t("new.pickupDay")} error={errors.pickupDay}>
            {(a) => <DateInput {...a} value={form.pickupDay} onInput={(e) => set("pickupDay", e.currentTarget.value)} />}
          </Field>
          <Field id="pickupAfter" label={t("new.pickupAfter")} error={errors.pickupAfter}>
            {(a) => <ClockInput {...a} value={form.pickupAfter} onValue={(v) => set("pickupAfter", v)} />}
          </Field>
          <Field id="pickupBefore" label={t("new.pickupBefore")} error={errors.pickupBefore}>
            {(a) => <ClockInput {...a} end value={form.pickupBefore} onValue={(v) => set("pickupBefore", v)} />}
          </Field>
        </fieldset>
        {pt && (
          <fieldset>
            <legend>{t("new.documents")}</legend>
            <p class="hint">{t("new.documentsHint")}</p>
            {pt.requiredDocuments.map((r) => {
              const id = `doc-${r.code}`;
              const d = docs[r.code];
              const err = docErrors[r.code];
              const st = d ? docStatus(r.code) : "";
              return (
                <div class="field" key={r.code} data-doc={r.code}>
                  <label for={id}>{t("new.fileFor", { name: r.name, req: r.mandatory ? t("new.mandatory") : t("new.optional") })}</label>
                  <FileInput
                    id={id}
                    chosen={d?.fileName}
                    detail={d ? [byteSize(d.size), st].filter(Boolean).join(" · ") : undefined}
                    detailId={d ? `${id}-chosen` : undefined}
                    accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
                    aria-invalid={err ? "true" : undefined}
                    aria-describedby={err ? `${id}-error` : d ? `${id}-chosen` : undefined}
                    onChange={(e) => void choose(r.code, e.currentTarget)}
                  />
                  {err && (
                    <p class="field-error" id={`${id}-error`}>
                      {err}
                    </p>
                  )}
                </div>
              );
            })}
          </fieldset>
        )}
        <div role="status" aria-live="polite" data-testid="form-status">
          {progress && progress.total > 0 && (
            <div>
              <progress class="progress" max={progress.total} value={progress.done} aria-label={t("new.progressLabel")} />
              <p>{t("new.progress", { done: progress.done, total: progress.total })}</p>
            </div>
          )}
          {status && (
            <p class={`notice ${status.kind}`}>
              {status.text}
              {status.caseId && (
                <>
                  {" "}
                  <a href={`#/clinic/case/${status.caseId}`}>{t("outbox.case", { id: status.caseId })}</a>
                </>
              )}
            </p>
          )}
        </div>
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? t("new.sending") : t("new.submit")}
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void submit(true)}>
            {t("new.saveDraft")}
          </button>
          <button type="button" class="link-button" disabled={busy} onClick={clearForm}>
            {t("new.clear")}
          </button>
        </div>
        {savedAt && <p class="muted">{t("new.savedLocal", { time: formatDateTime(savedAt) })}</p>}
      </form>
      <OutboxPanel t={t} showSent={false} />
    </Page>
  );
}
