#ifndef LOKET_SERVER_PERMIT_PERMIT_LETTER_H_
#define LOKET_SERVER_PERMIT_PERMIT_LETTER_H_

// The permit letter (e.g. the SIP, Surat Izin Praktik) as a PDF: rendering with cairo and
// libqrencode, and signing with PoDoFo + OpenSSL (a CMS detached signature in the PDF, the
// office's key and certificate). Pure library: no gRPC, no database. Thread-safe: the functions
// keep no state, and a PermitSigner is immutable after Load.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace loket::permit {

// What the letter says. Dates are YYYY-MM-DD; an empty valid_until leaves the line out.
struct PermitLetter {
  std::string office_name;       // the letterhead, e.g. "DPMPTSP Kota Balikpapan"
  std::string office_address;    // second letterhead line; may be empty
  std::string permit_type_code;  // picks the template, e.g. "SIP_DOKTER"
  std::string permit_type_name;  // e.g. "Surat Izin Praktik Dokter"
  std::string permit_number;
  std::string holder_name;
  std::string holder_nik;
  std::string practice_place;
  std::string str_number;
  std::string issued_on;
  std::string valid_until;
  std::string official_name;      // the signing official
  std::string official_position;  // e.g. "Kepala Dinas Penanaman Modal dan PTSP"
  std::string verify_url;         // encoded in the QR code
};

// The wording of one permit type's letter: its title and the paragraphs around the fields.
struct LetterTemplate {
  std::string title;          // e.g. "SURAT IZIN PRAKTIK DOKTER"
  std::string preamble;       // before the fields
  std::string closing;        // after the fields
  bool health_worker = true;  // prints the STR and practice place lines
};

// The template for a permit type code: the known SIP/SIK types have their own wording, any other
// type gets the general letter titled with its name.
LetterTemplate TemplateFor(const std::string& permit_type_code, const std::string& type_name);

// Renders the unsigned one-page A4 PDF. InvalidArgument (naming the field) when the permit number
// or holder is empty; Internal when cairo or libqrencode fail.
absl::StatusOr<std::string> RenderPermitPdf(const PermitLetter& letter);

// The office's signing identity: key, certificate and the chain up to (not including) the root.
class PermitSigner {
 public:
  // Reads PEM files. InvalidArgument naming the flag's file when one cannot be read or parsed, or
  // when the key does not belong to the certificate. chain_file may be empty.
  static absl::StatusOr<std::unique_ptr<PermitSigner>> Load(const std::string& key_file,
                                                            const std::string& cert_file,
                                                            const std::string& chain_file);
  ~PermitSigner();
  PermitSigner(const PermitSigner&) = delete;
  PermitSigner& operator=(const PermitSigner&) = delete;

  // Returns `pdf` with an incremental update holding a signature field whose value is a detached
  // CMS (CAdES: ETSI.CAdES.detached) signature over the whole file but the signature itself.
  // `reason` and `location` go into the signature dictionary. Internal on a PoDoFo/OpenSSL error.
  absl::StatusOr<std::string> Sign(const std::string& pdf, const std::string& reason,
                                   const std::string& location) const;

  // The signer's subject common name, e.g. for logs.
  std::string SubjectName() const;

 private:
  struct Keys;
  explicit PermitSigner(std::unique_ptr<Keys> keys);
  std::unique_ptr<Keys> keys_;
};

// Render and sign in one call: what loketd does on issue.
absl::StatusOr<std::string> RenderSignedPermit(const PermitLetter& letter,
                                               const PermitSigner& signer);

}  // namespace loket::permit

#endif  // LOKET_SERVER_PERMIT_PERMIT_LETTER_H_
