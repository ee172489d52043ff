#include "tests/integration/test_server.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "gtest/gtest.h"

namespace loket::itest {
namespace {

constexpr char kSeed[] = R"sql(
INSERT INTO offices (id, name, utc_offset_minutes, latitude, longitude) VALUES
  ('bpp', 'DPMPTSP Kota Balikpapan', 480, -1.24293, 116.89444),
  ('smd', 'DPMPTSP Kota Samarinda', 480, -0.50220, 117.15360);
INSERT INTO holidays (office_id, day, name) VALUES
  ('bpp', '2026-03-18', 'Cuti Bersama Nyepi'), ('bpp', '2026-03-19', 'Hari Suci Nyepi'),
  ('bpp', '2026-03-20', 'Cuti Bersama Idul Fitri'), ('bpp', '2026-03-21', 'Idul Fitri'),
  ('bpp', '2026-03-22', 'Idul Fitri'), ('bpp', '2026-03-23', 'Cuti Bersama Idul Fitri'),
  ('bpp', '2026-03-24', 'Cuti Bersama Idul Fitri'), ('bpp', '2026-04-03', 'Wafat Yesus Kristus');
INSERT INTO permit_types (office_id, code, name, fee_idr, service_level_days, health_worker) VALUES
  ('bpp', 'SIP_PERAWAT', 'Surat Izin Praktik Perawat', 0, 5, true),
  ('bpp', 'REKLAME', 'Izin Reklame', 150000, 10, false),
  ('smd', 'SIP_PERAWAT', 'Surat Izin Praktik Perawat', 0, 5, true);
INSERT INTO permit_type_documents (office_id, permit_type, code, name, mandatory, position) VALUES
  ('bpp', 'SIP_PERAWAT', 'KTP', 'KTP', true, 1),
  ('bpp', 'SIP_PERAWAT', 'STR', 'Surat Tanda Registrasi', true, 2),
  ('bpp', 'SIP_PERAWAT', 'SURAT_TEMPAT_PRAKTIK', 'Surat keterangan tempat praktik', true, 3),
  ('bpp', 'SIP_PERAWAT', 'PAS_FOTO', 'Pas foto 4x6', false, 4),
  ('bpp', 'REKLAME', 'KTP', 'KTP', true, 1),
  ('smd', 'SIP_PERAWAT', 'STR', 'Surat Tanda Registrasi', true, 1);
INSERT INTO clinics (office_id, id, name, kind, latitude, longitude, phone) VALUES
  ('bpp', 'pkm-a', 'Puskesmas A', 'puskesmas', -1.27629, 116.84396, '+6281200000001'),
  ('bpp', 'pkm-b', 'Puskesmas B', 'puskesmas', -1.23710, 116.85880, '+6281200000002'),
  ('smd', 'pkm-s', 'Puskesmas S', 'puskesmas', -0.49500, 117.14300, '');
)sql";

std::string RequireEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    ADD_FAILURE() << name << " is not set: run the tests through deploy/test.sh, which starts a "
                  << "throwaway PostgreSQL and sets it";
    std::abort();
  }
  return v;
}

}  // namespace

absl::Time DefaultTestNow() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 17, 9, 0, 0), absl::FixedTimeZone(8 * 3600));
}

std::unique_ptr<TestServer> TestServer::Start(
    const std::function<void(api::ServerOptions&)>& configure) {
  std::unique_ptr<TestServer> t(new TestServer());
  t->admin_conninfo_ = RequireEnv("LOKET_TEST_PG");
  std::random_device rd;
  t->db_name_ = absl::StrCat("loket_it_", getpid(), "_", rd() % 1000000);
  {
    pqxx::connection admin(t->admin_conninfo_);
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + t->db_name_);
  }
  // Replace (or append) dbname in the admin connection string.
  std::string conninfo = t->admin_conninfo_;
  size_t pos = conninfo.find("dbname=");
  if (pos != std::string::npos) {
    size_t end = conninfo.find(' ', pos);
    conninfo.replace(pos, end == std::string::npos ? std::string::npos : end - pos,
                     "dbname=" + t->db_name_);
  } else {
    conninfo += " dbname=" + t->db_name_;
  }
  t->conninfo_ = conninfo;

  api::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.db_conninfo = conninfo;
  o.pool_size = 8;
  o.log_requests = false;
  o.edge_key = kTestEdgeKey;
  // No background rounds on the wall clock (retention after a minute, expiry reminders after 30 s
  // would change rows under whichever test runs then): a test runs a sweep itself, or starts a
  // server whose sweeper's time it controls (RetentionTest.LoketdSweepsByItselfEveryInterval).
  o.retention_sweep_interval = absl::ZeroDuration();
  o.expiry_reminder_interval = absl::ZeroDuration();
  if (configure) configure(o);
  auto server = api::LoketServer::Start(o, t->clock_);
  if (!server.ok()) {
    ADD_FAILURE() << "server did not start: " << server.status();
    return nullptr;
  }
  t->server_ = *std::move(server);
  {
    pqxx::connection c(conninfo);
    pqxx::work w(c);
    w.exec(kSeed);
    w.commit();
  }
  t->channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", t->server_->port()),
                                    grpc::InsecureChannelCredentials());
  t->cases_ = v1::CaseService::NewStub(t->channel_);
  t->admin_ = v1::AdminService::NewStub(t->channel_);
  t->catalog_ = v1::CatalogService::NewStub(t->channel_);
  return t;
}

TestServer::~TestServer() {
  cases_.reset();
  admin_.reset();
  catalog_.reset();
  channel_.reset();
  server_.reset();
  try {
    pqxx::connection admin(admin_conninfo_);
    pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping " << db_name_ << ": " << e.what();
  }
}

std::string TestServer::TokenFor(const std::string& office, const std::string& role,
                                 const std::string& clinic_id) {
  std::string token = NewToken();
  pqxx::connection c(conninfo_);
  pqxx::work w(c);
  std::optional<std::string> clinic;
  if (!clinic_id.empty()) clinic = clinic_id;
  std::optional<std::string> courier;
  if (role == "courier") courier = "courier-1";
  pqxx::result r = w.exec_params(
      "INSERT INTO principals (office_id, name, role, clinic_id, courier_id) VALUES ($1, $2, $3, "
      "$4,"
      " $5) RETURNING id",
      office, "Test " + role, role, clinic, courier);
  w.exec_params("INSERT INTO tokens (office_id, principal_id, token_sha256) VALUES ($1, $2, $3)",
                office, r[0][0].as<int64_t>(), pqxx::binarystring(Sha256(token)));
  w.commit();
  return token;
}

std::string TestServer::Query(const std::string& sql) {
  pqxx::connection c(conninfo_);
  pqxx::nontransaction w(c);
  pqxx::result r = w.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

std::string At(const std::string& day, const std::string& hhmm) {
  absl::CivilMinute m;
  EXPECT_TRUE(absl::ParseCivilTime(day + "T" + hhmm, &m)) << day << " " << hhmm;
  return absl::FormatTime(absl::RFC3339_sec, absl::FromCivil(m, absl::FixedTimeZone(8 * 3600)),
                          absl::UTCTimeZone());
}

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->AddMetadata("x-loket-terminal", "test-terminal");
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

v1::SubmitApplicationRequest NurseApplication() {
  v1::SubmitApplicationRequest r;
  r.set_request_id(NewUuid());
  r.set_permit_type("SIP_PERAWAT");
  v1::Applicant* a = r.mutable_applicant();
  // One live application per NIK and permit type (issue 13): each call is another nurse (kNik,
  // serial 0001, is left to tests that name it).
  static std::atomic<int> serial{0};
  a->set_nik(absl::StrFormat("647106570890%04d", 2 + serial.fetch_add(1) % 9998));
  a->set_name("Siti Rahmawati");
  a->set_phone("081234567890");
  a->set_email("siti@example.com");
  a->set_priority_class(v1::PRIORITY_CLASS_HEALTH_WORKER);
  r.set_practice_place("Puskesmas A");
  r.set_str_number("STR-0001");
  return r;
}

v1::TransitionRequest Transition(int64_t case_id, const std::string& note,
                                 const std::string& etag) {
  v1::TransitionRequest r;
  r.set_request_id(NewUuid());
  r.set_case_id(case_id);
  r.set_note(note);
  r.set_etag(etag);
  return r;
}

v1::AttachDocumentRequest Document(int64_t case_id, const std::string& code,
                                   const std::string& content) {
  v1::AttachDocumentRequest r;
  r.set_request_id(NewUuid());
  r.set_case_id(case_id);
  r.set_code(code);
  r.set_file_name(absl::StrCat(code, ".pdf"));
  r.set_media_type("application/pdf");
  r.set_content(content);
  r.set_sha256_hex(Sha256Hex(content));
  return r;
}

}  // namespace loket::itest

#include "tests/integration/fixture.h"

namespace loket::itest {
TestServer* ServerTest::server_ = nullptr;
std::string ServerTest::officer_, ServerTest::approver_, ServerTest::counter_, ServerTest::admin_,
    ServerTest::clinic_a_, ServerTest::clinic_b_, ServerTest::other_office_officer_;
}  // namespace loket::itest
