// Admin: the reference data the office keeps (issue 13): holidays (add, remove, import a year's
// CSV), partner clinics, permit types' validity and fees, counters and the services each serves,
// the office itself, and the audit log of every such change. Each change is one AdminService call
// with a request id (a retried press is not done twice); the server validates and names the field.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Clinic, Counter, Office, AdminAuditEntry } from "@gen/loket/v1/admin_pb.js";
import type { Holiday, PermitType } from "@gen/loket/v1/catalog_pb.js";
import { clients } from "../api";
import { formatDate, formatDateTime, textOr } from "../i18n";
import { useActions, officeToday } from "./counter-actions";
import { ColumnHeads, StatusLine } from "./counter-ui";
import { ClockField, InputField, SectionHead, SubmitWithStatus } from "./admin-form";
import { ConfirmButton, type T } from "./admin";
import { FileInput } from "../file-input";

export function HolidaysSection({ t }: { t: T }) {
  const act = useActions(t);
  const addAct = useActions(t);
  const importAct = useActions(t);
  const [year, setYear] = useState(Number(officeToday().slice(0, 4)));
  const [holidays, setHolidays] = useState<Holiday[]>([]);
  const [date, setDate] = useState("");
  const [name, setName] = useState("");
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [replace, setReplace] = useState(false);
  // The year on screen: a list asked for an earlier year that answers late is not shown over it
  // (adding a holiday of another year switches the year while the first list may be on its way).
  const shownYear = useRef(year);
  shownYear.current = year;
  const load = () =>
    act.run(`holidays:${year}`, async () => {
      const list = (await clients.catalog.listHolidays({ year })).holidays;
      if (shownYear.current === year) setHolidays(list);
    });
  useEffect(() => {
    void load();
  }, [year]);

  const add = async (e: Event) => {
    e.preventDefault();
    const r = await addAct.run(`holiday-add:${date}:${name}`, (rid) => clients.admin.addHoliday({ requestId: rid, date, name: name.trim() }), (h) => t("ref.holidayAdded", { date: formatDate(h.date), name: h.name }));
    if (r) {
      setDate("");
      setName("");
      if (r.date.startsWith(String(year))) void load();
      else setYear(Number(r.date.slice(0, 4)));
    }
  };
  const remove = (h: Holiday) =>
    act.run(`holiday-remove:${h.date}`, (rid) => clients.admin.removeHoliday({ requestId: rid, date: h.date }), () => t("ref.holidayRemoved", { date: formatDate(h.date) })).then((r) => r && load());
  const importCsv = async (e: Event) => {
    e.preventDefault();
    if (!csv) return;
    const r = await importAct.run(`holiday-import:${year}:${replace}:${csv.text.length}:${csv.name}`, (rid) => clients.admin.importHolidays({ requestId: rid, year, csv: csv.text, replace }), (x) =>
      t("ref.imported", { added: x.added, updated: x.updated, removed: x.removed }),
    );
    if (r) setHolidays(r.holidays);
  };

  return (
    <section aria-labelledby="ref-holidays-h">
      <SectionHead t={t} id="ref-holidays-h" title={t("ref.holidays")} onReload={load} />
      <p class="muted">{t("ref.holidaysIntro")}</p>
      <StatusLine status={act.status} />
      <label class="pb-field">
        <span>{t("ref.year")}</span>
        <input type="number" min="2000" max="2100" value={year} onChange={(e) => setYear(Number((e.target as HTMLInputElement).value) || year)} />
      </label>
      {holidays.length === 0 ? (
        <p>{t("ref.holidaysNone", { year })}</p>
      ) : (
        <div class="pb-table-wrap">
          <table class="pb-table" data-testid="holidays">
            <ColumnHeads labels={[t("ref.date"), t("admin.col.name"), ""]} />
            <tbody>
              {holidays.map((h) => (
                <tr key={h.date} data-date={h.date}>
                  <td>{formatDate(h.date)}</td>
                  <th scope="row">{h.name}</th>
                  <td>
                    <ConfirmButton t={t} class="secondary small" label={t("ref.remove")} disabled={act.busy !== null} onConfirm={() => void remove(h)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="admin-grid">
        <form class="pb-form admin-card" onSubmit={add} aria-labelledby="ref-holiday-add-h">
          <h3 id="ref-holiday-add-h">{t("ref.holidayAdd")}</h3>
          <InputField label={t("ref.date")} type="date" required value={date} onValue={setDate} aria-invalid={addAct.field === "date" ? true : undefined} />
          <InputField label={t("admin.name")} required maxLength={120} value={name} onValue={setName} aria-invalid={addAct.field === "name" ? true : undefined} />
          <SubmitWithStatus act={addAct} label={t("ref.holidayAdd")} />
        </form>
        <form class="pb-form admin-card" onSubmit={importCsv} aria-labelledby="ref-import-h">
          <h3 id="ref-import-h">{t("ref.import", { year })}</h3>
          <p class="muted">{t("ref.importHelp")}</p>
          <label class="pb-field">
            <span>{t("ref.csvFile")}</span>
            <FileInput
              accept=".csv,text/csv"
              required
              onChange={async (e) => {
                const f = (e.target as HTMLInputElement).files?.[0];
                setCsv(f ? { name: f.name, text: await f.text() } : null);
              }}
            />
          </label>
          <label class="check">
            <input type="checkbox" checked={replace} onChange={(e) => setReplace((e.target as HTMLInputElement).checked)} /> {t("ref.replace", { year })}
          </label>
          <SubmitWithStatus act={importAct} label={t("ref.importGo")} />
        </form>
      </div>
    </section>
  );
}

// etag: the version the admin edits (a change someone else made meanwhile is refused, not lost).
type ClinicForm = { id: string; name: string; kind: string; address: string; latitude: string; longitude: string; opens: string; closes: string; phone: string; etag: string };
const NEW_CLINIC: ClinicForm = { id: "", name: "", kind: "clinic", address: "", latitude: "", longitude: "", opens: "08:00", closes: "16:00", phone: "", etag: "" };

function clinicForm(c: Clinic): ClinicForm {
  const located = c.latitude !== 0 || c.longitude !== 0;
  return { id: c.id, name: c.name, kind: c.kind, address: c.address, latitude: located ? String(c.latitude) : "", longitude: located ? String(c.longitude) : "", opens: c.opens || "08:00", closes: c.closes || "16:00", phone: c.phone, etag: c.etag };
}

export function ClinicsSection({ t }: { t: T }) {
  const act = useActions(t);
  const formAct = useActions(t); // the form keeps its own status line
  const [clinics, setClinics] = useState<Clinic[]>([]);
  const [f, setF] = useState<ClinicForm>(NEW_CLINIC);
  const editing = clinics.some((c) => c.id === f.id);
  const load = () =>
    act.run("clinics", async () => {
      setClinics((await clients.admin.listClinics({})).clinics);
    });
  useEffect(() => {
    void load();
  }, []);
  const set = (k: keyof ClinicForm) => (v: string) => setF({ ...f, [k]: v });
  const invalid = (k: string) => (formAct.field === `clinic.${k}` || formAct.field === k ? true : undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const clinic = { ...f, id: f.id.trim(), name: f.name.trim(), address: f.address.trim(), phone: f.phone.trim(), latitude: Number(f.latitude) || 0, longitude: Number(f.longitude) || 0 };
    const r = await formAct.run(`clinic:${JSON.stringify(clinic)}`, (rid) => clients.admin.setClinic({ requestId: rid, clinic }), (c) => t("ref.clinicSaved", { name: c.name }));
    if (r) {
      setF(NEW_CLINIC);
      void load();
    }
  };
  return (
    <section aria-labelledby="ref-clinics-h">
      <SectionHead t={t} id="ref-clinics-h" title={t("ref.clinics")} onReload={load} />
      <StatusLine status={act.status} />
      <div class="pb-table-wrap">
        <table class="pb-table" data-testid="clinics">
          <ColumnHeads labels={[t("admin.col.id"), t("admin.col.name"), t("ref.kind"), t("ref.hours"), t("ref.location"), t("admin.col.phone"), ""]} />
          <tbody>
            {clinics.map((c) => (
              <tr key={c.id} data-clinic={c.id}>
                <td>{c.id}</td>
                <th scope="row">{c.name}</th>
                <td>{c.kind === "hospital" || c.kind === "puskesmas" || c.kind === "clinic" ? t(`ref.kind.${c.kind}`) : c.kind}</td>
                <td>
                  {c.opens}–{c.closes}
                </td>
                <td>{c.latitude !== 0 || c.longitude !== 0 ? `${c.latitude.toFixed(5)}, ${c.longitude.toFixed(5)}` : t("ref.noLocation")}</td>
                <td>{c.phone || "—"}</td>
                <td>
                  <button type="button" class="secondary small" onClick={() => setF(clinicForm(c))} aria-label={t("ref.editNamed", { name: c.name })}>
                    {t("ref.edit")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="ref-clinic-form-h">
        <h3 id="ref-clinic-form-h">{editing ? t("ref.clinicEdit", { name: f.name }) : t("ref.clinicAdd")}</h3>
        <InputField label={t("admin.col.id")} required pattern="[a-z0-9][a-z0-9-]{1,39}" title={t("ref.idHelp")} readOnly={editing} value={f.id} onValue={set("id")} aria-invalid={invalid("id")} />
        <InputField label={t("admin.name")} required maxLength={120} value={f.name} onValue={set("name")} aria-invalid={invalid("name")} />
        <label class="pb-field">
          <span>{t("ref.kind")}</span>
          <select value={f.kind} onChange={(e) => set("kind")((e.target as HTMLSelectElement).value)}>
            {["hospital", "puskesmas", "clinic"].map((k) => (
              <option key={k} value={k}>
                {t(`ref.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <InputField label={t("ref.address")} maxLength={200} value={f.address} onValue={set("address")} aria-invalid={invalid("address")} />
        <div class="pb-row">
          <InputField label={t("ref.latitude")} inputMode="decimal" value={f.latitude} onValue={set("latitude")} aria-invalid={invalid("latitude")} />
          <InputField label={t("ref.longitude")} inputMode="decimal" value={f.longitude} onValue={set("longitude")} aria-invalid={invalid("longitude")} />
        </div>
        <div class="pb-row">
          <ClockField label={t("ref.opens")} required value={f.opens} onValue={set("opens")} aria-invalid={invalid("opens")} />
          <ClockField label={t("ref.closes")} required value={f.closes} onValue={set("closes")} aria-invalid={invalid("closes")} />
        </div>
        <InputField label={t("admin.phone")} type="tel" placeholder="+62" value={f.phone} onValue={set("phone")} aria-invalid={invalid("phone")} />
        <div class="form-actions">
          <SubmitWithStatus act={formAct} label={editing ? t("ref.save") : t("ref.clinicAdd")} />
          {editing && (
            <button type="button" class="secondary" onClick={() => setF(NEW_CLINIC)}>
              {t("common.cancel")}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

export function PermitTypesSection({ t }: { t: T }) {
  const act = useActions(t);
  const formAct = useActions(t); // the form keeps its own status line
  const [types, setTypes] = useState<PermitType[]>([]);
  const [edit, setEdit] = useState<{ code: string; name: string; numberCode: string; fee: string; sla: string; validity: string } | null>(null);
  const load = () =>
    act.run("permit-types", async () => {
      setTypes((await clients.catalog.listPermitTypes({})).permitTypes);
    });
  useEffect(() => {
    void load();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    const base = types.find((p) => p.code === edit?.code);
    if (!edit || !base) return;
    // The document list and the SIBER flag stay as they are: only what this form shows changes.
    const permitType = { ...base, name: edit.name.trim(), numberCode: edit.numberCode.trim(), feeIdr: BigInt(Number(edit.fee) || 0), serviceLevelDays: Number(edit.sla) || 0, validityMonths: Number(edit.validity) || 0 };
    const r = await formAct.run(`ptype:${JSON.stringify({ ...edit })}`, (rid) => clients.admin.setPermitType({ requestId: rid, permitType }));
    if (r) {
      setEdit(null);
      // The form and its status line close: the section's line says it was saved, after the list
      // is read again (reading it clears that line).
      await load();
      act.setStatus({ kind: "ok", text: t("ref.permitTypeSaved", { name: r.name }) });
    }
  };
  return (
    <section aria-labelledby="ref-ptypes-h">
      <SectionHead t={t} id="ref-ptypes-h" title={t("ref.permitTypes")} onReload={load} />
      <StatusLine status={act.status} />
      <div class="pb-table-wrap">
        <table class="pb-table" data-testid="permit-types">
          <ColumnHeads labels={[t("ref.code"), t("admin.col.name"), t("ref.numberCode"), t("ref.fee"), t("ref.sla"), t("ref.validity"), t("ref.documents"), ""]} />
          <tbody>
            {types.map((p) => (
              <tr key={p.code} data-code={p.code}>
                <td>{p.code}</td>
                <th scope="row">{p.name}</th>
                <td>{p.numberCode || p.code}</td>
                <td class="num">{Number(p.feeIdr).toLocaleString("id-ID")}</td>
                <td class="num">{p.serviceLevelDays}</td>
                <td class="num">{p.validityMonths || "—"}</td>
                <td>{p.requiredDocuments.map((d) => d.code + (d.mandatory ? "*" : "")).join(", ")}</td>
                <td>
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={t("ref.editNamed", { name: p.name })}
                    onClick={() => setEdit({ code: p.code, name: p.name, numberCode: p.numberCode, fee: String(p.feeIdr), sla: String(p.serviceLevelDays), validity: String(p.validityMonths) })}
                  >
                    {t("ref.edit")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {edit && (
        <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="ref-ptype-h">
          <h3 id="ref-ptype-h">{t("ref.permitTypeEdit", { code: edit.code })}</h3>
          <InputField label={t("admin.name")} required maxLength={160} value={edit.name} onValue={(v) => setEdit({ ...edit, name: v })} />
          <InputField label={t("ref.numberCodeLabel")} maxLength={16} value={edit.numberCode} onValue={(v) => setEdit({ ...edit, numberCode: v })} />
          <InputField label={t("ref.fee")} type="number" min="0" required value={edit.fee} onValue={(v) => setEdit({ ...edit, fee: v })} />
          <InputField label={t("ref.sla")} type="number" min="1" max="365" required value={edit.sla} onValue={(v) => setEdit({ ...edit, sla: v })} />
          <InputField label={t("ref.validityMonths")} type="number" min="1" max="60" required value={edit.validity} onValue={(v) => setEdit({ ...edit, validity: v })} />
          <div class="form-actions">
            <SubmitWithStatus act={formAct} label={t("ref.save")} />
            <button type="button" class="secondary" onClick={() => setEdit(null)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function CountersSection({ t }: { t: T }) {
  const act = useActions(t);
  const formAct = useActions(t); // the form keeps its own status line
  const [counters, setCounters] = useState<Counter[]>([]);
  const [types, setTypes] = useState<PermitType[]>([]);
  const [f, setF] = useState<{ id: string; name: string; services: string[]; seated: boolean; etag: string }>({ id: "", name: "", services: [], seated: false, etag: "" });
  const editing = counters.some((c) => c.id === f.id);
  const load = () =>
    act.run("counters", async () => {
      const [c, p] = await Promise.all([clients.admin.listCounters({}), clients.catalog.listPermitTypes({})]);
      setCounters(c.counters);
      setTypes(p.permitTypes);
    });
  useEffect(() => {
    void load();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    const counter = { id: f.id.trim(), name: f.name.trim(), services: f.services, seated: f.seated, etag: f.etag };
    const r = await formAct.run(`counter:${JSON.stringify(counter)}`, (rid) => clients.admin.setCounter({ requestId: rid, counter }), (c) => t("ref.counterSaved", { name: c.name }));
    if (r) {
      setF({ id: "", name: "", services: [], seated: false, etag: "" });
      void load();
    }
  };
  return (
    <section aria-labelledby="ref-counters-h">
      <SectionHead t={t} id="ref-counters-h" title={t("ref.counters")} onReload={load} />
      <StatusLine status={act.status} />
      <div class="pb-table-wrap">
        <table class="pb-table" data-testid="counters">
          <ColumnHeads labels={[t("admin.col.id"), t("admin.col.name"), t("ref.services"), t("ref.seated"), ""]} />
          <tbody>
            {counters.map((c) => (
              <tr key={c.id} data-counter={c.id}>
                <td>{c.id}</td>
                <th scope="row">{c.name}</th>
                <td>{c.services.length ? c.services.join(", ") : t("ref.allServices")}</td>
                <td>{c.seated ? t("ref.yes") : t("ref.no")}</td>
                <td>
                  <button type="button" class="secondary small" aria-label={t("ref.editNamed", { name: c.name })} onClick={() => setF({ id: c.id, name: c.name, services: [...c.services], seated: c.seated, etag: c.etag })}>
                    {t("ref.edit")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="ref-counter-h">
        <h3 id="ref-counter-h">{editing ? t("ref.counterEdit", { name: f.name }) : t("ref.counterAdd")}</h3>
        <InputField label={t("admin.col.id")} required maxLength={16} readOnly={editing} value={f.id} onValue={(v) => setF({ ...f, id: v })} aria-invalid={formAct.field === "counter.id" ? true : undefined} />
        <InputField label={t("admin.name")} required maxLength={80} value={f.name} onValue={(v) => setF({ ...f, name: v })} aria-invalid={formAct.field === "counter.name" ? true : undefined} />
        <fieldset>
          <legend>{t("ref.servicesPick")}</legend>
          {types.map((p) => (
            <label class="check" key={p.code}>
              <input
                type="checkbox"
                checked={f.services.includes(p.code)}
                onChange={(e) => {
                  const on = (e.target as HTMLInputElement).checked;
                  setF({ ...f, services: on ? [...f.services, p.code] : f.services.filter((s) => s !== p.code) });
                }}
              />{" "}
              {p.name}
            </label>
          ))}
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={f.seated} onChange={(e) => setF({ ...f, seated: (e.target as HTMLInputElement).checked })} /> {t("ref.seatedHelp")}
        </label>
        <SubmitWithStatus act={formAct} label={editing ? t("ref.save") : t("ref.counterAdd")} />
      </form>
    </section>
  );
}

export function OfficeSection({ t }: { t: T }) {
  const act = useActions(t);
  const [o, setO] = useState<Office | null>(null);
  const [f, setF] = useState({ name: "", address: "", latitude: "", longitude: "", offset: "480" });
  const load = () =>
    act.run("office", async () => {
      const x = await clients.admin.getOffice({});
      setO(x);
      setF({ name: x.name, address: x.address, latitude: x.latitude ? String(x.latitude) : "", longitude: x.longitude ? String(x.longitude) : "", offset: String(x.utcOffsetMinutes) });
    });
  useEffect(() => {
    void load();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!o) return;
    const office = { id: o.id, name: f.name.trim(), address: f.address.trim(), latitude: Number(f.latitude) || 0, longitude: Number(f.longitude) || 0, utcOffsetMinutes: Number(f.offset) };
    const r = await act.run(`office:${JSON.stringify(office)}`, (rid) => clients.admin.updateOffice({ requestId: rid, office }), (x) => t("ref.officeSaved", { name: x.name }));
    if (r) setO(r);
  };
  const invalid = (k: string) => (act.field === `office.${k}` || act.field === k ? true : undefined);
  return (
    <section aria-labelledby="ref-office-h">
      <SectionHead t={t} id="ref-office-h" title={t("ref.office")} onReload={load} />
      {o && (
        <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="ref-office-h">
          <p class="muted">ID {o.id}</p>
          <InputField label={t("admin.name")} required maxLength={160} value={f.name} onValue={(v) => setF({ ...f, name: v })} aria-invalid={invalid("name")} />
          <InputField label={t("ref.address")} maxLength={200} value={f.address} onValue={(v) => setF({ ...f, address: v })} aria-invalid={invalid("address")} />
          <div class="pb-row">
            <InputField label={t("ref.latitude")} inputMode="decimal" value={f.latitude} onValue={(v) => setF({ ...f, latitude: v })} aria-invalid={invalid("latitude")} />
            <InputField label={t("ref.longitude")} inputMode="decimal" value={f.longitude} onValue={(v) => setF({ ...f, longitude: v })} aria-invalid={invalid("longitude")} />
          </div>
          <label class="pb-field">
            <span>{t("ref.timeZone")}</span>
            <select value={f.offset} onChange={(e) => setF({ ...f, offset: (e.target as HTMLSelectElement).value })}>
              <option value="420">WIB (UTC+7)</option>
              <option value="480">WITA (UTC+8)</option>
              <option value="540">WIT (UTC+9)</option>
            </select>
          </label>
          <SubmitWithStatus act={act} label={t("ref.save")} />
        </form>
      )}
      {!o && <StatusLine status={act.status} />}
    </section>
  );
}

export function AuditSection({ t }: { t: T }) {
  const act = useActions(t);
  const [entries, setEntries] = useState<AdminAuditEntry[]>([]);
  const load = () =>
    act.run("audit", async () => {
      setEntries((await clients.admin.listAdminAudit({ pageSize: 100 })).entries);
    });
  useEffect(() => {
    void load();
  }, []);
  return (
    <section aria-labelledby="ref-audit-h">
      <SectionHead t={t} id="ref-audit-h" title={t("ref.audit")} onReload={load} />
      <p class="muted">{t("ref.auditIntro")}</p>
      <StatusLine status={act.status} />
      {entries.length === 0 ? (
        <p>{t("ref.auditNone")}</p>
      ) : (
        <div class="pb-table-wrap">
          <table class="pb-table" data-testid="audit">
            <ColumnHeads labels={[t("ref.when"), t("ref.who"), t("ref.what"), t("ref.before"), t("ref.after")]} />
            <tbody>
              {entries.map((a) => (
                <tr key={String(a.id)}>
                  <td>{formatDateTime(a.at)}</td>
                  <td>{a.actorName}</td>
                  <th scope="row">
                    {textOr(t, `ref.action.${a.action}`, a.action)} · {a.entity}
                  </th>
                  <td class="mono small-text">{a.beforeJson || "—"}</td>
                  <td class="mono small-text">{a.afterJson || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
