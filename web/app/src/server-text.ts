// loketd words its errors in English: field errors as "field: problem" (server/domain/validation.cc,
// FieldError), "applicant.nik: province code 99 is unknown", state rules as sentences. A page shows
// the ones it knows in its own language ("NIK: kode provinsi 99 tidak dikenal"), and any other as
// loketd sent it. The words are in `common` (i18n.ts, keys "sv.*"); the counter's, kiosk's and
// courier's, with their patterns, in pages/staff-words.i18n.ts.
import { textOr, formatDate, byteSize } from "./i18n";

type T = (key: string, vars?: Record<string, string | number>) => string;

// A problem's pattern, its catalog key, and the names of the pattern's groups in the key's text
// (a name "state:X" reads its group as a case state, "states:X" as a list of them, "step:X" as a
// transition, "date:X" as a day, "bytes:X" as a size, each in the page's words).
type Problem = [RegExp, string, string[]?];
const PROBLEMS: Problem[] = [
  // State rules (FAILED_PRECONDITION): what staff meet when a case or ticket moved under them.
  [/^case (\d+) is ([A-Z_]+); (\w+) needs (.+)$/, "sv.caseState", ["id", "state:state", "step:step", "states:from"]],
  [/^missing mandatory documents: (.+)$/, "sv.missingDocs", ["docs"]],
  [/^case (\d+) is ([A-Z_]+); documents can be attached while/, "sv.attachState", ["id", "state:state"]],
  [/^appointment request (\d+) is already cancelled$/, "sv.requestCancelled", ["id"]],
  [/^appointment request (\d+): the visitor has already checked in$/, "sv.requestCheckedIn", ["id"]],
  // An application's STR, pickup and appointment windows.
  [/^the STR ended on ([\d-]+); renew the STR first/, "sv.strEnded", ["date:day"]],
  [/^([\d-]+) is not a working day$/, "sv.notWorkingDay", ["date:day"]],
  [/^must be earlier than pickup\.before$/, "sv.pickupOrder"],
  [/^starts_at must be before ends_at$/, "sv.windowOrder"],
  // Field problems (INVALID_ARGUMENT).
  [/^required$/, "sv.required"],
  [/^required \(a positive number\)$/, "sv.requiredNumber"],
  [/^must be 16 digits$/, "sv.nik16"],
  [/^province code (\d+) is unknown$/, "sv.nikProvince", ["code"]],
  [/^kabupaten\/kota code 00 is invalid$/, "sv.nikKabKota"],
  [/^kecamatan code 00 is invalid$/, "sv.nikKecamatan"],
  [/^birth date (\d+) is not a date$/, "sv.nikBirth", ["digits"]],
  [/^serial 0000 is invalid$/, "sv.nikSerial"],
  [/^must start with \+62, 62 or 0$/, "sv.phonePrefix"],
  [/^must contain only digits after the prefix$/, "sv.phoneDigits"],
  [/^must have 8 to 12 digits after \+62$/, "sv.phoneLength"],
  [/^must not have 0 right after \+62$/, "sv.phoneZero"],
  [/^longer than (\d+) characters$/, "sv.longer", ["max"]],
  [/^not an e-mail address/, "sv.email"],
  [/^not valid UTF-8$/, "sv.utf8"],
  [/^may contain only letters, spaces and \. , ' -$/, "sv.nameChars"],
  [/^must be 2 to 100 characters$/, "sv.nameLength"],
  [/^must contain a letter$/, "sv.nameLetter"],
  [/^contains a control character$/, "sv.control"],
  [/^must be one line/, "sv.oneLine"],
  [/^must be a plain file name$/, "sv.fileName"],
  [/^must be application\/pdf, image\/jpeg or image\/png/, "sv.mediaType"],
  [/^empty$/, "sv.empty"],
  [/^"(.*)" is not a time \(HH:MM, 00:00 to (\d\d:\d\d)\)$/, "sv.notClock", ["text", "last"]],
  [/^(\d+) bytes is over the (\d+)-byte limit$/, "sv.tooLong", ["size", "max"]],
  [/^is not a (PDF|JPEG|PNG) file/, "sv.notType", ["type"]],
];

/** More problems, from a page module that loads later (pages/staff-words.i18n.ts: the counter's,
 * the kiosk's and the courier's rules; pages/case-parts.tsx: a case history's notes), kept out of
 * the public pages' first load. */
export function registerProblems(more: Problem[]): void {
  PROBLEMS.push(...more); // once: a module runs once
}

// Field paths a person would not read as such, by their label's key.
const FIELDS: Record<string, string> = {
  "applicant.nik": "sv.f.nik",
  nik: "sv.f.nik",
  "applicant.name": "sv.f.name",
  name: "sv.f.name",
  "applicant.phone": "sv.f.phone",
  phone: "sv.f.phone",
  "applicant.email": "sv.f.email",
  email: "sv.f.email",
  "document.content": "sv.f.document",
  "document.file_name": "sv.f.fileName",
  "document.media_type": "sv.f.document",
  windows: "sv.f.window",
  "pickup.after": "sv.f.pickupAfter",
  "pickup.day": "sv.f.pickupDay",
  str_valid_until: "sv.f.strValid",
  "walk_in.nik": "sv.f.nik",
};

/** A field's label key, from a page module that loads later. */
export function registerField(path: string, key: string): void {
  FIELDS[path] = key;
}

/** A problem loketd named ("province code 99 is unknown") in the page's language, if known. */
export function problemText(problem: string, t: T): string {
  return problemWords(problem, t) ?? problem;
}

// The problem in the page's words when a pattern knows it (in every language, English too);
// undefined when none does.
function problemWords(problem: string, t: T): string | undefined {
  const p = problem.trim();
  for (const [re, key, names] of PROBLEMS) {
    const m = re.exec(p);
    // A page without the words (a public page, for a staff rule) shows loketd's own.
    if (m) return textOr(t, key, problem, Object.fromEntries((names ?? []).map((n, i) => word(n, m[i + 1], t))));
  }
  // Several problems in one ("temperature 38.6 °C (fever from 37.5 °C); no mask"): each its own.
  if (p.includes("; ")) {
    const parts = p.split("; ");
    const words = parts.map((part) => problemWords(part, t));
    if (words.some((w) => w !== undefined)) return words.map((w, i) => w ?? parts[i]).join("; ");
  }
  return undefined;
}

// A pattern's group as the page shows it: [name, text].
function word(name: string, value: string, t: T): [string, string] {
  const [kind, var_] = name.includes(":") ? name.split(":") : ["", name];
  if (kind === "state") return [var_, textOr(t, `state.${value}`, value)];
  if (kind === "step") return [var_, textOr(t, `sv.step.${value}`, value)];
  // A day loketd wrote as YYYY-MM-DD, as the page writes dates: "31 Mar 2029".
  if (kind === "date") return [var_, formatDate(value)];
  // A count of bytes as the page writes sizes: "6,0 MB".
  if (kind === "bytes") return [var_, byteSize(Number(value))];
  // A number as the page's language writes it: "38,4" in Indonesian.
  if (kind === "decimal") return [var_, value.replace(".", textOr(t, "sv.decimalSep", "."))];
  if (kind === "states") {
    return [var_, value.split(/, | or /).map((v) => textOr(t, `state.${v}`, v)).join(t("sv.listSep"))];
  }
  return [var_, value];
}

/** A whole "field: problem" message, its field's label and its problem in the page's language. */
export function serverText(message: string, t: T): string {
  return serverWords(message, t).text;
}

/** The same, and whether the page knew the field or the problem (`worded`): a message it words
 * itself needs no "Data tidak valid:" before it. */
export function serverWords(message: string, t: T): { text: string; worded: boolean } {
  const m = /^\s*([A-Za-z_][\w.[\]/]*)\s*:\s*([\s\S]*)$/.exec(message);
  if (!m) {
    const words = problemWords(message, t);
    return { text: words ?? message, worded: words !== undefined };
  }
  const field = FIELDS[m[1]] ?? FIELDS[m[1].replace(/\[\d+\]/g, "")];
  const label = field ? textOr(t, field, m[1]) : m[1];
  const words = problemWords(m[2], t);
  return { text: `${label}: ${words ?? m[2]}`, worded: field !== undefined && words !== undefined };
}
