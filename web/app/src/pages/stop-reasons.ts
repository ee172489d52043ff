// Why a courier's stop failed, in words: the reasons the courier picks from, and a stored reason
// ("clinic_closed: <the courier's note>") read back on the route and on a case's page. Registered
// for every page that loads this module (the courier's, and the pages showing a case's stops).
import { registerCatalog, textOr, type Catalog } from "../i18n";

type T = (key: string, vars?: Record<string, string | number>) => string;

const stopReasonWords: Catalog = {
  id: {
    "reason.CLINIC_CLOSED": "Klinik tutup",
    "reason.DOCUMENTS_NOT_READY": "Berkas belum siap",
    "reason.NOBODY_TO_RECEIVE": "Tidak ada yang menerima",
    "reason.ADDRESS_NOT_FOUND": "Alamat tidak ditemukan",
    "reason.OTHER": "Lainnya",
  },
  en: {
    "reason.CLINIC_CLOSED": "Clinic closed",
    "reason.DOCUMENTS_NOT_READY": "Documents not ready",
    "reason.NOBODY_TO_RECEIVE": "Nobody to receive",
    "reason.ADDRESS_NOT_FOUND": "Address not found",
    "reason.OTHER": "Other",
  },
};
registerCatalog(stopReasonWords);

/** "documents_not_ready" or "clinic_closed: the courier's note" in the person's words ("Klinik
 * tutup: …"), else as stored. */
export function failureReasonText(t: T, stored: string): string {
  const [, reason, note] = /^([a-z_]+)(?::\s*([\s\S]*))?$/.exec(stored) ?? [stored, stored, undefined];
  const said = textOr(t, `reason.${reason.toUpperCase()}`, "");
  if (!said) return stored;
  return note ? `${said}: ${note}` : said;
}
