// CaseRepository's permit documents (issue 13): see permit_documents.h.
#include "server/store/permit_documents.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "server/domain/case_rules.h"
#include "server/store/case_repository.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

constexpr Statement kInsertPermitDocument{
    "permit_document_insert",
    "INSERT INTO permit_documents (case_id, office_id, sha256_hex, size_bytes, content, signer)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO NOTHING"};
// Each row's columns (server/store/columns.h) build its statement and name its reads.
constexpr auto kPermitDocumentColumns =
    MakeColumns({{"sha256_hex", "d.sha256_hex"},
                 {"signer", "d.signer"},
                 {"created_at", "d.created_at::text"},
                 {"content", "d.content"},
                 {"permit_number", "coalesce(c.permit_number, '')"}});
constexpr Statement kLoadPermitDocument{
    "permit_document_load",
    kSelectSql<"SELECT ", kPermitDocumentColumns,
               " FROM permit_documents d JOIN cases c ON c.id = d.case_id WHERE d.case_id = $1">};
constexpr Statement kPermitDocumentSha{
    "permit_document_sha", "SELECT sha256_hex FROM permit_documents WHERE case_id = $1"};
constexpr auto kPermitOfDocumentColumns =
    MakeColumns({{"permit_number", "coalesce(c.permit_number, '')"},
                 {"verification_code", "coalesce(c.verification_code, '')"}});
constexpr Statement kPermitByDocument{
    "permit_by_document", kSelectSql<"SELECT ", kPermitOfDocumentColumns,
                                     " FROM permit_documents d JOIN cases c ON c.id = d.case_id"
                                     " WHERE d.sha256_hex = $1">};

std::string Day(const std::optional<absl::CivilDay>& d) {
  return d ? absl::FormatCivilTime(*d) : std::string();
}

}  // namespace

absl::StatusOr<std::string> CaseRepository::StorePermitDocumentInTx(Tx& tx, const domain::Case& c,
                                                                    const std::string& office_name,
                                                                    const std::string& type_name) {
  if (!permit_docs_.signer) return std::string();
  permit::PermitLetter letter;
  letter.office_name = office_name;
  letter.office_address = permit_docs_.office_address;
  letter.permit_type_code = c.permit_type;
  letter.permit_type_name = type_name;
  letter.permit_number = c.permit_number;
  letter.holder_name = c.applicant.name;
  letter.holder_nik = c.applicant.nik;
  letter.practice_place = c.practice_place;
  letter.str_number = c.str_number;
  letter.issued_on = Day(c.issued_on);
  letter.valid_until = Day(c.valid_until);
  letter.official_name = permit_docs_.official_name;
  letter.official_position = permit_docs_.official_position;
  letter.verify_url = domain::PermitVerifyAddress(permit_docs_.verify_url, c);
  absl::StatusOr<std::string> pdf = permit::RenderSignedPermit(letter, *permit_docs_.signer);
  if (!pdf.ok()) {
    return absl::InternalError(
        absl::StrCat("permit document of case ", c.id, ": ", pdf.status().message()));
  }
  std::string sha = Sha256Hex(*pdf);
  tx.Exec(kInsertPermitDocument, c.id, c.office_id, sha, static_cast<int64_t>(pdf->size()),
          pqxx::binarystring(*pdf), permit_docs_.signer->SubjectName());
  return sha;
}

std::string CaseRepository::PermitDocumentShaInTx(Tx& tx, int64_t case_id) {
  pqxx::result r = tx.Exec(kPermitDocumentSha, case_id);
  return r.empty() ? std::string() : r[0][0].as<std::string>();
}

absl::StatusOr<PermitDocumentRecord> CaseRepository::GetPermitDocument(
    const domain::Principal& viewer, int64_t case_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<PermitDocumentRecord> {
    LOKET_ASSIGN_OR_RETURN(CaseView v, GetInTx(tx, viewer, case_id));
    pqxx::result r = tx.Exec(kLoadPermitDocument, case_id);
    if (r.empty()) return domain::PermitDocumentMissing(v.c);
    PermitDocumentRecord out;
    out.case_id = case_id;
    constexpr const auto& k = kPermitDocumentColumns;
    out.sha256_hex = r[0][k["sha256_hex"]].as<std::string>();
    out.signer = r[0][k["signer"]].as<std::string>();
    out.created_at = ParseTimestamp(r[0][k["created_at"]].as<std::string>());
    out.content = pqxx::binarystring(r[0][k["content"]]).str();
    out.permit_number = r[0][k["permit_number"]].as<std::string>();
    return out;
  });
}

absl::StatusOr<std::optional<PermitOfDocument>> CaseRepository::PermitByDocument(
    const std::string& sha256_hex) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return FirstRow(tx.Exec(kPermitByDocument, absl::AsciiStrToLower(sha256_hex)),
                    [](const pqxx::row& row) {
                      constexpr const auto& k = kPermitOfDocumentColumns;
                      return PermitOfDocument{row[k["permit_number"]].as<std::string>(),
                                              row[k["verification_code"]].as<std::string>()};
                    });
  });
}

absl::StatusOr<std::string> CaseRepository::PermitDocumentSha(const std::string& permit_number) {
  static constexpr Statement kShaOfPermit{
      "permit_document_sha_of_permit",
      "SELECT d.sha256_hex FROM permit_documents d JOIN cases c ON c.id = d.case_id"
      " WHERE c.permit_number = $1"};
  return Fetch(db_.impl(), [&](Tx& tx) {
    pqxx::result r = tx.Exec(kShaOfPermit, permit_number);
    return r.empty() ? std::string() : r[0][0].as<std::string>();
  });
}

}  // namespace loket::store
