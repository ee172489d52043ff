// The issued permit as a signed PDF (issue 13): rendered and signed by loketd in the issuing
// transaction, stored once with its SHA-256 in permit_documents, read back by the case's viewers
// and found by its hash for the public check. Functions here are CaseRepository's (see
// permit_documents.cc); this header holds their types.
#ifndef LOKET_SERVER_STORE_PERMIT_DOCUMENTS_H_
#define LOKET_SERVER_STORE_PERMIT_DOCUMENTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/permit/permit_letter.h"

namespace loket::store {

// How loketd makes permit documents. Without a signer no document is made (the permit is still
// issued; the download answers FAILED_PRECONDITION). Immutable once the server runs.
struct PermitDocumentOptions {
  std::shared_ptr<const permit::PermitSigner> signer;
  std::string official_name;      // the signing official, printed under the signature
  std::string official_position;  // e.g. "Kepala DPMPTSP Kota Balikpapan"
  std::string office_address;     // the letterhead's second line; may be empty
  // The public verification page; the QR code holds it with ?number=..&code=.. appended
  // (domain::PermitVerifyAddress).
  std::string verify_url;
};

// The stored document of one case.
struct PermitDocumentRecord {
  int64_t case_id = 0;
  std::string permit_number;
  std::string sha256_hex;
  std::string signer;  // the signing certificate's common name
  absl::Time created_at;
  std::string content;  // the PDF
};

// The permit a document belongs to (the public check by document).
struct PermitOfDocument {
  std::string permit_number;
  std::string verification_code;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_PERMIT_DOCUMENTS_H_
