// Administration (/#/admin): principals (create, passwords, access: their tokens and sign-ins,
// revoke one, disable the account), API tokens (shown once),
// couriers and shifts, the office calendar, and dead tasks with retry / drop.
import { useEffect, useRef, useState } from "preact/hooks";
import { Role, type Principal, type Clinic, type CreateTokenResponse, type TokenInfo } from "@gen/loket/v1/admin_pb.js";
import { clients, errorText } from "../api";
import { formatDateTime, useT } from "../i18n";
import { Page } from "../layout";
import { useActions, type Actions } from "./counter-actions";
import { ColumnHeads, StatusLine } from "./counter-ui";
import { InputField, SectionHead, SubmitWithStatus } from "./admin-form";
import { CouriersSection } from "./admin-couriers";
import { CalendarSection } from "./admin-calendar";
import { TasksSection } from "./admin-tasks";
import { AuditSection, ClinicsSection, CountersSection, HolidaysSection, OfficeSection, PermitTypesSection } from "./admin-refdata";
import { adminCatalog } from "./admin.i18n";
import "./counter.css";
import "./admin.css";
import "./staff-words.i18n"; // the counter, kiosk and courier words for loketd's messages

export type T = (key: string, vars?: Record<string, string | number>) => string;

type Tab = "principals" | "couriers" | "calendar" | "holidays" | "clinics" | "permitTypes" | "counters" | "office" | "audit" | "tasks";
const TABS: Tab[] = ["principals", "couriers", "calendar", "holidays", "clinics", "permitTypes", "counters", "office", "audit", "tasks"];
const ROLES: Role[] = [Role.ADMIN, Role.OFFICER, Role.APPROVER, Role.COUNTER, Role.CLINIC, Role.COURIER, Role.WORKER, Role.DISPLAY];

export function roleName(t: T, r: Role): string {
  return t(`role.${Role[r] ?? "UNSPECIFIED"}`);
}

/** A button that asks for a second click before it acts (drop, close). */
export function ConfirmButton({ t, label, onConfirm, disabled, class: cls }: { t: T; label: string; onConfirm: () => void; disabled?: boolean; class?: string }) {
  const [armed, setArmed] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <button
      type="button"
      class={cls}
      disabled={disabled}
      onClick={() => {
        if (armed) {
          setArmed(false);
          onConfirm();
          return;
        }
        setArmed(true);
        timer.current = window.setTimeout(() => setArmed(false), 5000);
      }}
    >
      {armed ? t("admin.confirmAgain") : label}
    </button>
  );
}

export default function AdminPage() {
  const t = useT(adminCatalog);
  const [tab, setTab] = useState<Tab>("principals");
  const [principals, setPrincipals] = useState<Principal[]>([]);
  const act = useActions(t);

  const loadPrincipals = async () => {
    await act.run("list-principals", async () => {
      const r = await clients.admin.listPrincipals({});
      setPrincipals(r.principals);
    });
  };
  useEffect(() => {
    void loadPrincipals();
  }, []);

  return (
    <Page title={t("admin.title")} class="wide admin">
      <nav aria-label={t("admin.sections")} class="admin-tabs">
        {TABS.map((x) => (
          <button type="button" key={x} class={tab === x ? "admin-tab admin-tab--on" : "admin-tab secondary"} aria-pressed={tab === x} onClick={() => setTab(x)}>
            {t(`admin.tab.${x}`)}
          </button>
        ))}
      </nav>
      <StatusLine status={act.status} />
      {tab === "principals" ? <PrincipalsSection t={t} principals={principals} reload={loadPrincipals} /> : null}
      {tab === "couriers" ? <CouriersSection t={t} principals={principals} /> : null}
      {tab === "calendar" ? <CalendarSection t={t} /> : null}
      {tab === "holidays" ? <HolidaysSection t={t} /> : null}
      {tab === "clinics" ? <ClinicsSection t={t} /> : null}
      {tab === "permitTypes" ? <PermitTypesSection t={t} /> : null}
      {tab === "counters" ? <CountersSection t={t} /> : null}
      {tab === "office" ? <OfficeSection t={t} /> : null}
      {tab === "audit" ? <AuditSection t={t} /> : null}
      {tab === "tasks" ? <TasksSection t={t} /> : null}
    </Page>
  );
}

function PrincipalsSection({ t, principals, reload }: { t: T; principals: Principal[]; reload: () => Promise<void> }) {
  const act = useActions(t);
  const [clinics, setClinics] = useState<Clinic[]>([]);
  const [pwFor, setPwFor] = useState<Principal | undefined>(undefined);
  const [accessFor, setAccessFor] = useState<Principal | undefined>(undefined);
  const [token, setToken] = useState<CreateTokenResponse | undefined>(undefined);
  const pwRef = useRef<HTMLHeadingElement>(null);
  const accessRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    clients.admin
      .listClinics({})
      .then((r) => setClinics(r.clinics))
      .catch(() => undefined);
  }, []);
  const clinicName = (id: string) => clinics.find((c) => c.id === id)?.name ?? id;

  const newToken = async (p: Principal) => {
    const r = await act.run(`token:${p.id}`, (rid) => clients.admin.createToken({ requestId: rid, principalId: p.id }), () => t("admin.tokenCreated", { name: p.name }));
    if (r) setToken(r);
  };

  return (
    <section aria-labelledby="admin-principals-h">
      <SectionHead t={t} id="admin-principals-h" title={t("admin.principals")} onReload={reload} />
      <StatusLine status={act.status} />
      {token ? <TokenOnce t={t} token={token} onClose={() => setToken(undefined)} /> : null}
      <div class="pb-table-wrap">
        <table class="pb-table admin-principals">
          <ColumnHeads labels={[t("admin.col.id"), t("admin.col.name"), t("admin.col.role"), t("admin.col.scope"), t("admin.col.username"), t("admin.col.status"), t("admin.col.actions")]} />
          <tbody>
            {principals.map((p) => (
              <tr key={String(p.id)} data-principal-id={String(p.id)}>
                <td>{String(p.id)}</td>
                <th scope="row">{p.name}</th>
                <td>{roleName(t, p.role)}</td>
                <td>{p.clinicId ? clinicName(p.clinicId) : p.courierId || "—"}</td>
                <td>{p.username || <span class="muted">{t("admin.noUsername")}</span>}</td>
                <td>{p.disabled ? t("admin.disabled") : t("admin.active")}</td>
                <td>
                  <div class="admin-row-actions">
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={`${t("admin.setPassword")}: ${p.name}`}
                    onClick={() => {
                      setPwFor(p);
                      setTimeout(() => pwRef.current?.focus(), 0);
                    }}
                  >
                    {t("admin.setPassword")}
                  </button>
                  <button type="button" class="secondary small" aria-label={`${t("admin.newToken")}: ${p.name}`} disabled={act.busy !== null || p.disabled} onClick={() => newToken(p)}>
                    {t("admin.newToken")}
                  </button>
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={`${t("admin.access")}: ${p.name}`}
                    onClick={() => {
                      setAccessFor(p);
                      setTimeout(() => accessRef.current?.focus(), 0);
                    }}
                  >
                    {t("admin.access")}
                  </button>
                  </div>
                  </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pwFor ? <PasswordForm t={t} p={pwFor} headingRef={pwRef} onDone={reload} onClose={() => setPwFor(undefined)} /> : null}
      {accessFor ? (
        <AccessPanel
          t={t}
          p={principals.find((x) => x.id === accessFor.id) ?? accessFor}
          headingRef={accessRef}
          onChanged={reload}
          onClose={() => setAccessFor(undefined)}
        />
      ) : null}
      <div class="admin-grid">
        <CreatePrincipal t={t} clinics={clinics} onCreated={reload} />
      </div>
    </section>
  );
}

function TokenOnce({ t, token, onClose }: { t: T; token: CreateTokenResponse; onClose: () => void }) {
  const [msg, setMsg] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setMsg(t("admin.copied"));
    } catch {
      input.current?.select();
      setMsg(t("admin.copyFailed"));
    }
  };
  return (
    <div class="admin-token notice warn" role="region" aria-labelledby="admin-token-h">
      <p id="admin-token-h">
        <strong>{t("admin.tokenShown", { name: token.principal?.name ?? "", id: String(token.tokenId) })}</strong>
      </p>
      <label class="pb-field">
        <span>{t("admin.tokenLabel")}</span>
        <input type="text" ref={input} readOnly value={token.token} class="mono admin-token__value" onFocus={(e) => (e.target as HTMLInputElement).select()} />
      </label>
      <div class="row">
        <button type="button" onClick={copy}>
          {t("admin.copy")}
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          {t("admin.tokenDone")}
        </button>
      </div>
      <p role="status">{msg}</p>
    </div>
  );
}

function PasswordForm({ t, p, headingRef, onDone, onClose }: { t: T; p: Principal; headingRef: { current: HTMLHeadingElement | null }; onDone: () => Promise<void>; onClose: () => void }) {
  const act = useActions(t);
  const [username, setUsername] = useState(p.username || p.name.toLowerCase().replace(/[^a-z0-9._-]+/g, ".").replace(/^\.+|\.+$/g, ""));
  const [pw, setPw] = useState("");
  const [pw2, setPw2] = useState("");
  useEffect(() => {
    setUsername(p.username || p.name.toLowerCase().replace(/[^a-z0-9._-]+/g, ".").replace(/^\.+|\.+$/g, ""));
    setPw("");
    setPw2("");
    act.setStatus(null);
  }, [p.id]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (pw.length < 10) {
      act.setStatus({ kind: "error", text: t("admin.passwordShort") });
      return;
    }
    if (pw !== pw2) {
      act.setStatus({ kind: "error", text: t("admin.passwordMismatch") });
      return;
    }
    const r = await act.run(`pw:${p.id}:${username}:${pw}`, (rid) => clients.session.setPassword({ requestId: rid, principalId: p.id, username: username.trim(), password: pw }), () =>
      t("admin.passwordSet", { username: username.trim() }),
    );
    if (r) {
      setPw("");
      setPw2("");
      await onDone();
    }
  };
  return (
    <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="admin-pw-h">
      <h3 id="admin-pw-h" ref={headingRef} tabIndex={-1}>
        {t("admin.setPasswordFor", { name: p.name })}
      </h3>
      <label class="pb-field">
        <span>{t("admin.username")}</span>
        <input type="text" name="username" required autocomplete="off" minLength={3} maxLength={64} pattern="[A-Za-z0-9._\-]{3,64}" aria-describedby="admin-un-hint" aria-invalid={act.field === "username" ? true : undefined} value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
        <small id="admin-un-hint">{t("admin.usernameHint")}</small>
      </label>
      <label class="pb-field">
        <span>{t("admin.password")}</span>
        <input name="password" type="password" required minLength={10} autocomplete="new-password" aria-describedby="admin-pw-hint" aria-invalid={act.field === "password" ? true : undefined} value={pw} onInput={(e) => setPw((e.target as HTMLInputElement).value)} />
        <small id="admin-pw-hint">{t("admin.passwordHint")}</small>
      </label>
      <label class="pb-field">
        <span>{t("admin.password2")}</span>
        <input name="password2" type="password" required minLength={10} autocomplete="new-password" value={pw2} onInput={(e) => setPw2((e.target as HTMLInputElement).value)} />
      </label>
      <div class="form-actions">
        <button type="submit" disabled={act.busy !== null}>
          {t("admin.passwordGo")}
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
      <StatusLine status={act.status} />
    </form>
  );
}

function CreatePrincipal({ t, clinics, onCreated }: { t: T; clinics: Clinic[]; onCreated: () => Promise<void> }) {
  const act = useActions(t);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>(Role.OFFICER);
  const [clinicId, setClinicId] = useState("");
  const [courierId, setCourierId] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { name: name.trim(), role, clinicId: role === Role.CLINIC ? clinicId : "", courierId: role === Role.COURIER ? courierId.trim() : "" };
    const r = await act.run(`create:${JSON.stringify(body)}`, (rid) => clients.admin.createPrincipal({ requestId: rid, ...body }), (p) =>
      t("admin.created", { name: p.name, id: String(p.id) }),
    );
    if (r) {
      setName("");
      await onCreated();
    }
  };
  return (
    <form class="pb-form admin-card" onSubmit={submit} aria-labelledby="admin-create-h">
      <h3 id="admin-create-h">{t("admin.create")}</h3>
      <InputField label={t("admin.name")} name="name" required autocomplete="off" aria-invalid={act.field === "name" ? true : undefined} value={name} onValue={setName} />
      <label class="pb-field">
        <span>{t("admin.role")}</span>
        <select name="role" value={String(role)} onChange={(e) => setRole(Number((e.target as HTMLSelectElement).value) as Role)}>
          {ROLES.map((r) => (
            <option value={String(r)} key={r}>
              {roleName(t, r)}
            </option>
          ))}
        </select>
      </label>
      {role === Role.CLINIC ? (
        <label class="pb-field">
          <span>{t("admin.clinic")}</span>
          <select name="clinic" required value={clinicId} aria-invalid={act.field === "clinic_id" ? true : undefined} onChange={(e) => setClinicId((e.target as HTMLSelectElement).value)}>
            <option value="">{t("admin.clinicPick")}</option>
            {clinics.map((c) => (
              <option value={c.id} key={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {role === Role.COURIER ? (
        <InputField label={t("admin.courierId")} name="courier_id" autocomplete="off" value={courierId} onValue={setCourierId} />
      ) : null}
      <SubmitWithStatus act={act} label={t("admin.createGo")} />
    </form>
  );
}

/** What still lets a principal in (API tokens, browser sign-ins), each revocable, and the switch
 * that disables the account (which revokes them all at once) or enables it again. */
function AccessPanel({ t, p, headingRef, onChanged, onClose }: { t: T; p: Principal; headingRef: { current: HTMLHeadingElement | null }; onChanged: () => Promise<void>; onClose: () => void }) {
  const act = useActions(t);
  const [tokens, setTokens] = useState<TokenInfo[] | undefined>(undefined);
  // Not through act.run: a reload after a revoke must keep that action's message.
  const load = () =>
    clients.admin.listTokens({ principalId: p.id }).then(
      (r) => setTokens(r.tokens),
      (e) => act.setStatus({ kind: "error", text: errorText(e, t) }),
    );
  useEffect(() => {
    setTokens(undefined);
    act.setStatus(null);
    void load();
  }, [p.id]);
  const revoke = async (id: bigint) => {
    const r = await act.run(`revoke:${id}`, (rid) => clients.admin.revokeToken({ requestId: rid, tokenId: id }), () => t("admin.revoked", { id: String(id) }));
    if (r) await load();
  };
  const setDisabled = async (disabled: boolean) => {
    const r = await act.run(`disable:${p.id}:${disabled}`, (rid) => clients.admin.setPrincipalDisabled({ requestId: rid, principalId: p.id, disabled }), () =>
      t(disabled ? "admin.disabledDone" : "admin.enabledDone", { name: p.name }),
    );
    if (r) {
      await onChanged();
      await load();
    }
  };
  return (
    <section class="admin-card admin-access" aria-labelledby="admin-access-h">
      <h3 id="admin-access-h" ref={headingRef} tabIndex={-1}>
        {t("admin.accessFor", { name: p.name })}
      </h3>
      <p class="muted">{p.disabled ? t("admin.disabledNote") : t("admin.accessIntro")}</p>
      {tokens === undefined ? null : tokens.length === 0 ? (
        <p>{t("admin.noTokens")}</p>
      ) : (
        <div class="pb-table-wrap">
          <table class="pb-table" data-testid="access-tokens">
            <ColumnHeads labels={[t("admin.tokenId"), t("admin.col.kind"), t("admin.col.created"), t("admin.col.lastUsed"), t("admin.col.ends"), t("admin.col.actions")]} />
            <tbody>
              {tokens.map((k) => (
                <tr key={String(k.id)} data-token-id={String(k.id)}>
                  <th scope="row">{String(k.id)}</th>
                  <td>{t(k.kind === "session" ? "admin.kind.session" : "admin.kind.api")}</td>
                  <td>{formatDateTime(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "—"}</td>
                  <td>{k.expiresAt ? formatDateTime(k.expiresAt) : t("admin.untilRevoked")}</td>
                  <td>
                    <ConfirmButton t={t} class="danger small" label={t("admin.revokeGo")} disabled={act.busy !== null} onConfirm={() => void revoke(k.id)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="form-actions">
        {p.disabled ? (
          <button type="button" disabled={act.busy !== null} onClick={() => void setDisabled(false)}>
            {t("admin.enable")}
          </button>
        ) : (
          <ConfirmButton t={t} class="danger" label={t("admin.disable")} disabled={act.busy !== null} onConfirm={() => void setDisabled(true)} />
        )}
        <button type="button" class="secondary" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
      <StatusLine status={act.status} />
    </section>
  );
}
