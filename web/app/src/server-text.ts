// loketd words its field errors in English, "field: problem" (server/domain/validation.cc,
// FieldError): "applicant.nik: province code 99 is unknown". A page shows the problems it knows in
// its own language ("NIK: kode provinsi 99 tidak dikenal"), and any other as loketd sent it.
// The words are in `common` (i18n.ts, keys "sv.*").

type T = (key: string, vars?: Record<string, string | number>) => string;

// A problem's pattern, its catalog key, and the names of the pattern's groups in the key's text.
const PROBLEMS: [RegExp, string, string[]?][] = [
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
  [/^(\d+) bytes is over the (\d+)-byte limit$/, "sv.tooLong", ["size", "max"]],
  [/^is not a (PDF|JPEG|PNG) file/, "sv.notType", ["type"]],
];

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
};

/** A problem loketd named ("province code 99 is unknown") in the page's language, if known. */
export function problemText(problem: string, t: T): string {
  const p = problem.trim();
  for (const [re, key, names] of PROBLEMS) {
    const m = re.exec(p);
    if (m) return t(key, Object.fromEntries((names ?? []).map((n, i) => [n, m[i + 1]])));
  }
  return problem;
}

/** A whole "field: problem" message, its field's label and its problem in the page's language. */
export function serverText(message: string, t: T): string {
  const m = /^\s*([A-Za-z_][\w.[\]/]*)\s*:\s*([\s\S]*)$/.exec(message);
  if (!m) return problemText(message, t);
  const label = FIELDS[m[1]] ? t(FIELDS[m[1]]) : m[1];
  return `${label}: ${problemText(m[2], t)}`;
}
