// Finding people (/#/desk/search): SearchCases by name (any part, accents and case ignored), NIK,
// phone, permit number, tracking code, clinic and submission dates. The criteria live in the
// address, so a search can be bookmarked, reloaded and shared with a colleague.
import { useEffect, useState } from "preact/hooks";
import type { Case } from "@gen/loket/v1/case_pb.js";
import { Page } from "../layout";
import { useT } from "../i18n";
import { clients, errorText, fieldOf } from "../api";
import { usePagedList } from "../paged";
import { navigate, type RouteProps } from "../router";
import { deskStrings } from "./desk.i18n";
import { CaseTable, deskNav } from "./desk";
import { caseStrings, usePermitTypes, useClinics, clinicNameOf } from "./case-parts";
import { DateInput } from "../date-input";

// Form field -> address key -> SearchCasesRequest field (the server names the latter in errors).
const FIELDS = [
  ["name", "search.name", "name"],
  ["nik", "search.nik", "nik"],
  ["phone", "search.phone", "phone"],
  ["permitNumber", "search.permitNumber", "permit_number"],
  ["trackingCode", "search.trackingCode", "tracking_code"],
] as const;

type Criteria = {
  name: string;
  nik: string;
  phone: string;
  permitNumber: string;
  trackingCode: string;
  clinicId: string;
  submittedFrom: string;
  submittedTo: string;
};
const KEYS: (keyof Criteria)[] = ["name", "nik", "phone", "permitNumber", "trackingCode", "clinicId", "submittedFrom", "submittedTo"];
const SERVER_FIELD: Record<string, keyof Criteria> = {
  name: "name",
  nik: "nik",
  phone: "phone",
  permit_number: "permitNumber",
  tracking_code: "trackingCode",
  clinic_id: "clinicId",
  submitted_from: "submittedFrom",
  submitted_to: "submittedTo",
};

function criteriaOf(q: URLSearchParams): Criteria {
  const c = {} as Criteria;
  for (const k of KEYS) c[k] = q.get(k) ?? "";
  return c;
}

function queryOf(c: Criteria): string {
  const q = new URLSearchParams();
  for (const k of KEYS) if (c[k].trim()) q.set(k, c[k].trim());
  const s = q.toString();
  return s ? `?${s}` : "";
}

export default function DeskSearch({ query }: RouteProps) {
  const t = useT(deskStrings, caseStrings);
  const types = usePermitTypes();
  const clinics = useClinics();
  const applied = criteriaOf(query);
  const key = queryOf(applied);
  const [f, setF] = useState<Criteria>(applied);
  const [error, setError] = useState("");
  const [fieldError, setFieldError] = useState<{ field: keyof Criteria; text: string } | null>(null);
  const list = usePagedList<Case>(async (pageToken) => {
    const r = await clients.case.searchCases({ pageSize: 50, pageToken, ...applied });
    return [r.cases, r.nextPageToken];
  });
  const { items: cases, next, busy } = list;

  async function load(pageToken = "") {
    try {
      if (!(await list.load(pageToken))) return;
      setError("");
      setFieldError(null);
    } catch (err) {
      const field = fieldOf(err);
      const mine = field ? SERVER_FIELD[field] : undefined;
      list.clear();
      if (mine) {
        setFieldError({ field: mine, text: errorText(err, t) });
        setError("");
        document.getElementById(`s-${mine}`)?.focus();
      } else {
        setError(errorText(err, t));
      }
    }
  }

  useEffect(() => {
    setF(applied);
    list.clear();
    if (key) void load();
  }, [key]);

  const clinicName = (id: string) => clinicNameOf(clinics, id);
  const inputProps = (k: keyof Criteria) => ({
    id: `s-${k}`,
    value: f[k],
    "aria-invalid": fieldError?.field === k ? ("true" as const) : undefined,
    "aria-describedby": fieldError?.field === k ? `s-${k}-error` : undefined,
    onInput: (e: { currentTarget: HTMLInputElement }) => setF({ ...f, [k]: e.currentTarget.value }),
  });
  const errorFor = (k: keyof Criteria) =>
    fieldError?.field === k ? (
      <p class="field-error" id={`s-${k}-error`}>
        {fieldError.text}
      </p>
    ) : null;

  return (
    <Page title={t("search.title")} class="wide" nav={deskNav(t)}>
      <p>{t("search.intro")}</p>
      <form
        class="no-print"
        role="search"
        aria-label={t("search.title")}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/desk/search${queryOf(f)}`);
        }}
      >
        <div class="filters">
          {FIELDS.map(([k, label]) => (
            <div key={k}>
              <label for={`s-${k}`}>{t(label)}</label>
              <input type="text" autoComplete="off" spellcheck={false} inputMode={k === "nik" || k === "phone" ? "numeric" : undefined} {...inputProps(k)} />
              {errorFor(k)}
            </div>
          ))}
          <div>
            <label for="s-clinicId">{t("desk.clinic")}</label>
            <select id="s-clinicId" value={f.clinicId} onChange={(e) => setF({ ...f, clinicId: e.currentTarget.value })}>
              <option value="">{t("desk.any")}</option>
              {clinics.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="s-submittedFrom">{t("search.from")}</label>
            <DateInput {...inputProps("submittedFrom")} />
            {errorFor("submittedFrom")}
          </div>
          <div>
            <label for="s-submittedTo">{t("search.to")}</label>
            <DateInput {...inputProps("submittedTo")} />
            {errorFor("submittedTo")}
          </div>
          <div class="form-actions">
            <button type="submit" disabled={busy}>
              {t("search.submit")}
            </button>
            <button type="button" class="secondary" onClick={() => navigate("/desk/search")}>
              {t("desk.reset")}
            </button>
          </div>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {error && <p class="notice bad">{error}</p>}
        {!key && <p class="muted">{t("search.empty")}</p>}
        {key && cases === null && !error && !fieldError && <p class="loading">{t("common.loading")}</p>}
        {cases && <p class="muted">{t("search.count", { n: cases.length })}</p>}
      </div>
      {cases && cases.length === 0 && <p>{t("desk.none")}</p>}
      {cases && cases.length > 0 && <CaseTable cases={cases} types={types} clinicName={clinicName} t={t} />}
      {next && (
        <p>
          <button type="button" class="secondary" disabled={busy} onClick={() => void load(next)}>
            {t("desk.loadMore")}
          </button>
        </p>
      )}
    </Page>
  );
}
