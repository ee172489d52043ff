// Admin: couriers (CourierService.ListCouriers / CreateCourier) and one day's shift (SetShift).
import { useEffect, useState } from "preact/hooks";
import { Role, type Principal } from "@gen/loket/v1/admin_pb.js";
import type { Courier } from "@gen/loket/v1/courier_pb.js";
import { clients } from "../api";
import { formatDate } from "../i18n";
import { useActions, officeToday } from "./counter-actions";
import { ColumnHeads, StatusLine } from "./counter-ui";
import { ClockField, InputField, SectionHead, SubmitWithStatus } from "./admin-form";
import type { T } from "./admin";

export function CouriersSection({ t, principals }: { t: T; principals: Principal[] }) {
  const act = useActions(t);
  const [couriers, setCouriers] = useState<Courier[]>([]);
  const load = () =>
    act.run("list-couriers", async () => {
      const r = await clients.courier.listCouriers({});
      setCouriers(r.couriers);
    });
  useEffect(() => {
    void load();
  }, []);
  const free = principals.filter((p) => p.role === Role.COURIER && !couriers.some((c) => c.id === p.id));

  return (
    <section aria-labelledby="admin-couriers-h">
      <SectionHead t={t} id="admin-couriers-h" title={t("admin.couriers")} onReload={load} />
      <StatusLine status={act.status} />
      {couriers.length === 0 ? (
        <p>{t("admin.couriersNone")}</p>
      ) : (
        <div class="pb-table-wrap">
          <table class="pb-table">
            <ColumnHeads labels={[t("admin.col.id"), t("admin.col.name"), t("admin.col.phone"), t("admin.col.capacity"), t("admin.col.shift"), t("admin.col.status")]} />
            <tbody>
              {couriers.map((c) => (
                <tr key={String(c.id)}>
                  <td>{String(c.id)}</td>
                  <th scope="row">{c.name}</th>
                  <td>{c.phone || "—"}</td>
                  <td>{c.capacity}</td>
                  <td>
                    {c.shiftStarts}–{c.shiftEnds}
                  </td>
                  <td>{c.active ? t("admin.active") : t("admin.disabled")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="admin-grid">
        <AddCourier t={t} free={free} onDone={load} />
        <SetShift t={t} couriers={couriers} onDone={load} />
      </div>
    </section>
  );
}

function AddCourier({ t, free, onDone }: { t: T; free: Principal[]; onDone: () => unknown }) {
  const act = useActions(t);
  const [pid, setPid] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [capacity, setCapacity] = useState("8");
  const [from, setFrom] = useState("08:00");
  const [to, setTo] = useState("16:00");
  const pick = (v: string) => {
    setPid(v);
    const p = free.find((x) => String(x.id) === v);
    if (p && !name) setName(p.name);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!pid) return;
    const body = { principalId: BigInt(pid), name: name.trim(), phone: phone.trim(), capacity: Number(capacity) || 0, shiftStarts: from, shiftEnds: to };
    const r = await act.run(`courier:${pid}:${name}:${phone}:${capacity}:${from}:${to}`, (rid) => clients.courier.createCourier({ requestId: rid, ...body }), (c) =>
      t("admin.courierAdded", { name: c.name }),
    );
    if (r) {
      setPid("");
      setName("");
      setPhone("");
      onDone();
    }
  };
  return (
    <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="admin-addcourier-h">
      <h3 id="admin-addcourier-h">{t("admin.courierAdd")}</h3>
      <label class="pb-field">
        <span>{t("admin.courierPrincipal")}</span>
        <select required value={pid} onChange={(e) => pick((e.target as HTMLSelectElement).value)}>
          <option value="">{t("admin.courierPrincipalPick")}</option>
          {free.map((p) => (
            <option value={String(p.id)} key={String(p.id)}>
              {p.name} (ID {String(p.id)})
            </option>
          ))}
        </select>
      </label>
      <label class="pb-field">
        <span>{t("admin.name")}</span>
        <input type="text" required autocomplete="off" value={name} aria-invalid={act.field === "name" ? true : undefined} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label class="pb-field">
        <span>{t("admin.phone")}</span>
        <input type="tel" autocomplete="off" placeholder="+62" value={phone} aria-invalid={act.field === "phone" ? true : undefined} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
      </label>
      <InputField label={t("admin.capacity")} type="number" min="1" max="100" required value={capacity} onValue={setCapacity} />
      <ShiftTimes t={t} from={from} to={to} onFrom={setFrom} onTo={setTo} />
      <SubmitWithStatus act={act} label={t("admin.courierAdd")} />
    </form>
  );
}

function SetShift({ t, couriers, onDone }: { t: T; couriers: Courier[]; onDone: () => unknown }) {
  const act = useActions(t);
  const [cid, setCid] = useState("");
  const [day, setDay] = useState(officeToday());
  const [off, setOff] = useState(false);
  const [from, setFrom] = useState("08:00");
  const [to, setTo] = useState("16:00");
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!cid) return;
    const c = couriers.find((x) => String(x.id) === cid);
    const r = await act.run(`shift:${cid}:${day}:${off}:${from}:${to}`, (rid) =>
      clients.courier.setShift({ requestId: rid, courierId: BigInt(cid), day, off, starts: off ? "" : from, ends: off ? "" : to }),
      () => t("admin.shiftSet", { name: c?.name ?? cid, day: formatDate(day) }),
    );
    if (r) onDone();
  };
  return (
    <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="admin-shift-h">
      <h3 id="admin-shift-h">{t("admin.shift")}</h3>
      <label class="pb-field">
        <span>{t("admin.courier")}</span>
        <select required value={cid} onChange={(e) => setCid((e.target as HTMLSelectElement).value)}>
          <option value="">{t("admin.courierPrincipalPick")}</option>
          {couriers.map((c) => (
            <option value={String(c.id)} key={String(c.id)}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <InputField label={t("admin.day")} type="date" required value={day} onValue={setDay} />
      <label class="check">
        <input type="checkbox" checked={off} onChange={(e) => setOff((e.target as HTMLInputElement).checked)} /> {t("admin.off")}
      </label>
      {!off ? <ShiftTimes t={t} from={from} to={to} onFrom={setFrom} onTo={setTo} /> : null}
      <SubmitWithStatus act={act} label={t("admin.shiftGo")} />
    </form>
  );
}

/** A shift's start and end times, side by side. */
function ShiftTimes({ t, from, to, onFrom, onTo }: { t: T; from: string; to: string; onFrom: (v: string) => void; onTo: (v: string) => void }) {
  return (
    <div class="pb-row">
      <ClockField label={t("admin.shiftStarts")} required value={from} onValue={onFrom} />
      <ClockField label={t("admin.shiftEnds")} required value={to} onValue={onTo} />
    </div>
  );
}
