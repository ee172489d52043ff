// Issue 13, the reference data the admin keeps: holidays, permit types and their documents,
// clinics, counters and the office through AdminService; validated (errors name the field),
// audited, replayed by request_id, and used from the very next call (real PostgreSQL, in-process
// server on port 0). Two loketd processes on one database: tests/system/refdata_replicas_test.sh.
#include <gmock/gmock.h>

#include "common/ids.h"
#include "common/md5.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

class RefdataTest : public ServerTest {
 protected:
  v1::AdminService::Stub& admin() { return server_->admin(); }

  std::string DueDateOfNewCase(const std::string& permit_type = "SIP_PERAWAT") {
    v1::SubmitApplicationRequest req = NurseApplication();
    req.set_permit_type(permit_type);
    v1::Case c;
    grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return c.sla().due_date();
  }

  int AuditRows(const std::string& action) {
    return std::stoi(
        server_->Query("SELECT count(*) FROM admin_audit WHERE action = '" + action + "'"));
  }
};

TEST_F(RefdataTest, AddedHolidayMovesTheNextCasesDueDateAtOnce) {
  // The first submission fills this server's office cache (kept 10 s by time alone).
  std::string before = DueDateOfNewCase();
  ASSERT_EQ(before, "2026-03-31");  // 5 working days after Tue 17 March, past Nyepi and Lebaran
  v1::AddHolidayRequest req;
  req.set_request_id(NewUuid());
  req.set_date("2026-03-26");
  req.set_name("Libur daerah (uji)");
  v1::Holiday h;
  grpc::Status s = admin().AddHoliday(Ctx(admin_).get(), req, &h);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(h.date(), "2026-03-26");
  EXPECT_EQ(DueDateOfNewCase(), "2026-04-01");

  v1::RemoveHolidayRequest rm;
  rm.set_request_id(NewUuid());
  rm.set_date("2026-03-26");
  v1::RemoveHolidayResponse removed;
  s = admin().RemoveHoliday(Ctx(admin_).get(), rm, &removed);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(removed.removed().name(), "Libur daerah (uji)");
  EXPECT_EQ(DueDateOfNewCase(), "2026-03-31");

  // Removing it again: nothing there.
  rm.set_request_id(NewUuid());
  s = admin().RemoveHoliday(Ctx(admin_).get(), rm, &removed);
  EXPECT_THAT(s, StatusIs(grpc::NOT_FOUND));
  EXPECT_THAT(s.error_message(), HasSubstr("date:"));
}

TEST_F(RefdataTest, AHolidayMovesTheStoredDueDateOfRunningCases) {
  // The overdue list filters on cases.due_date: it must follow the calendar the admin changes.
  v1::Case c;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), NurseApplication(), &c), IsOk());
  auto stored_due = [&] {
    return server_->Query(absl::StrCat("SELECT due_date FROM cases WHERE id = ", c.id()));
  };
  ASSERT_EQ(stored_due(), "2026-03-31");
  v1::AddHolidayRequest add;
  add.set_request_id(NewUuid());
  add.set_date("2026-03-26");
  add.set_name("Libur daerah (uji)");
  v1::Holiday h;
  ASSERT_THAT(admin().AddHoliday(Ctx(admin_).get(), add, &h), IsOk());
  EXPECT_EQ(stored_due(), "2026-04-01");
  v1::ImportHolidaysRequest imp;
  imp.set_request_id(NewUuid());
  imp.set_year(2026);
  imp.set_csv("date,name\n2026-03-30,Cuti bersama (uji)\n");
  v1::ImportHolidaysResponse out;
  ASSERT_THAT(admin().ImportHolidays(Ctx(admin_).get(), imp, &out), IsOk());
  EXPECT_EQ(stored_due(), "2026-04-02");
  v1::RemoveHolidayRequest rm;
  rm.set_request_id(NewUuid());
  rm.set_date("2026-03-26");
  v1::RemoveHolidayResponse removed;
  ASSERT_THAT(admin().RemoveHoliday(Ctx(admin_).get(), rm, &removed), IsOk());
  EXPECT_EQ(stored_due(), "2026-04-01");
  rm.set_request_id(NewUuid());  // leave the calendar as the other tests expect it
  rm.set_date("2026-03-30");
  ASSERT_THAT(admin().RemoveHoliday(Ctx(admin_).get(), rm, &removed), IsOk());
  EXPECT_EQ(stored_due(), "2026-03-31");
}

TEST_F(RefdataTest, ChangedServiceLevelIsUsedByTheNextCase) {
  std::string before = DueDateOfNewCase();
  v1::SetPermitTypeRequest req;
  req.set_request_id(NewUuid());
  v1::PermitType* t = req.mutable_permit_type();
  t->set_code("SIP_PERAWAT");
  t->set_name("Surat Izin Praktik Perawat");
  t->set_service_level_days(6);
  t->set_health_worker(true);
  t->set_validity_months(60);
  for (auto [code, name, mandatory] :
       {std::tuple("KTP", "KTP", true), std::tuple("STR", "Surat Tanda Registrasi", true),
        std::tuple("SURAT_TEMPAT_PRAKTIK", "Surat keterangan tempat praktik", true),
        std::tuple("PAS_FOTO", "Pas foto 4x6", false)}) {
    v1::RequiredDocument* d = t->add_required_documents();
    d->set_code(code);
    d->set_name(name);
    d->set_mandatory(mandatory);
  }
  v1::PermitType out;
  grpc::Status s = admin().SetPermitType(Ctx(admin_).get(), req, &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(out.service_level_days(), 6);
  EXPECT_NE(DueDateOfNewCase(), before);
  // Back as it was, for the other tests.
  req.set_request_id(NewUuid());
  t->set_service_level_days(5);
  ASSERT_THAT(admin().SetPermitType(Ctx(admin_).get(), req, &out), IsOk());
  EXPECT_EQ(DueDateOfNewCase(), before);
}

// A permit type's number code is what its permit numbers carry; types sharing one share its
// sequence, so no two permits get one number.
TEST_F(RefdataTest, APermitNumberCarriesTheTypesNumberCodeAndOneSequencePerCode) {
  auto set_code = [&](const std::string& code) {
    v1::ListPermitTypesResponse list;
    EXPECT_THAT(server_->catalog().ListPermitTypes(Ctx(admin_).get(), {}, &list), IsOk());
    v1::SetPermitTypeRequest req;
    req.set_request_id(NewUuid());
    for (const auto& p : list.permit_types()) {
      if (p.code() == "SIP_PERAWAT") *req.mutable_permit_type() = p;
    }
    req.mutable_permit_type()->set_number_code(code);
    v1::PermitType out;
    grpc::Status s = admin().SetPermitType(Ctx(admin_).get(), req, &out);
    return std::make_pair(s, out);
  };
  auto issue = [&]() {
    v1::Case c = SubmitAsClinicA();
    AttachAll(c.id(), clinic_a_);
    v1::Case out;
    EXPECT_THAT(Do(&v1::CaseService::Stub::StartVerification, officer_, c.id()), IsOk());
    EXPECT_THAT(Do(&v1::CaseService::Stub::Approve, approver_, c.id(), "lengkap"), IsOk());
    EXPECT_THAT(Do(&v1::CaseService::Stub::Issue, officer_, c.id(), "", &out), IsOk());
    return out.permit_number();
  };
  // Given in any case, with spaces: kept upper case.
  auto [set, pt] = set_code(" sipp ");
  ASSERT_THAT(set, IsOk()) << set.error_message();
  EXPECT_EQ(pt.number_code(), "SIPP");
  const std::string first = issue();
  EXPECT_THAT(first, ::testing::MatchesRegex("[0-9]{4}/SIPP/DPMPTSP-BPP/2026"));
  // Anything that would break the number's parts is refused, naming the field.
  for (const char* bad : {"SI/PP", "-SIPP", "SIPP_1", "ABCDEFGHIJKLMNOPQ"}) {
    EXPECT_THAT(set_code(bad).first,
                StatusIs(grpc::INVALID_ARGUMENT, ::testing::HasSubstr("permit_type.number_code")))
        << bad;
  }
  // Back to none: the type's code again, on its own sequence.
  ASSERT_THAT(set_code("").first, IsOk());
  EXPECT_THAT(issue(), ::testing::HasSubstr("/SIP_PERAWAT/DPMPTSP-BPP/2026"));
  // The same number code again continues its sequence.
  ASSERT_THAT(set_code("SIPP").first, IsOk());
  const std::string second = issue();
  EXPECT_EQ(std::stoi(second.substr(0, 4)), std::stoi(first.substr(0, 4)) + 1) << second;
  ASSERT_THAT(set_code("").first, IsOk());  // as it was, for the other tests
}

TEST_F(RefdataTest, NewPermitTypeWithDocumentsIsListedAndAudited) {
  v1::SetPermitTypeRequest req;
  req.set_request_id(NewUuid());
  v1::PermitType* t = req.mutable_permit_type();
  t->set_code("SIP_APOTEKER");
  t->set_name("  Surat Izin Praktik Apoteker ");
  t->set_service_level_days(5);
  t->set_health_worker(true);
  t->set_validity_months(60);
  v1::RequiredDocument* d = t->add_required_documents();
  d->set_code("STRA");
  d->set_name("STR Apoteker");
  d->set_mandatory(true);
  v1::PermitType out;
  grpc::Status s = admin().SetPermitType(Ctx(admin_).get(), req, &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(out.name(), "Surat Izin Praktik Apoteker");

  v1::ListPermitTypesResponse list;
  ASSERT_THAT(
      server_->catalog().ListPermitTypes(Ctx(officer_).get(), v1::ListPermitTypesRequest(), &list),
      IsOk());
  bool found = false;
  for (const auto& p : list.permit_types()) {
    if (p.code() != "SIP_APOTEKER") continue;
    found = true;
    EXPECT_EQ(p.validity_months(), 60);
    ASSERT_EQ(p.required_documents_size(), 1);
    EXPECT_EQ(p.required_documents(0).code(), "STRA");
  }
  EXPECT_TRUE(found);

  v1::ListAdminAuditResponse audit;
  ASSERT_THAT(admin().ListAdminAudit(Ctx(admin_).get(), v1::ListAdminAuditRequest(), &audit),
              IsOk());
  bool audited = false;
  for (const auto& e : audit.entries()) {
    if (e.action() != "permit_type.set" || e.entity() != "SIP_APOTEKER") continue;
    audited = true;
    EXPECT_EQ(e.before_json(), "");
    EXPECT_THAT(e.after_json(), HasSubstr("\"STRA\""));
    EXPECT_FALSE(e.actor_name().empty());
  }
  EXPECT_TRUE(audited);
}

TEST_F(RefdataTest, RetriedImportChangesNothingMore) {
  v1::ImportHolidaysRequest req;
  req.set_request_id(NewUuid());
  req.set_year(2027);
  req.set_csv(
      "date,name,kind,source\n"
      "2027-01-01,Tahun Baru 2027 Masehi,libur_nasional,\"Keppres, fixed date\"\n"
      "2027-05-01,Hari Buruh Internasional,libur_nasional,fixed\n"
      "2027-08-17,Proklamasi Kemerdekaan RI,libur_nasional,fixed\n");
  v1::ImportHolidaysResponse first, again;
  const int earlier = AuditRows("holiday.import");  // the suite's database is shared by its tests
  grpc::Status s = admin().ImportHolidays(Ctx(admin_).get(), req, &first);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(first.added(), 3);
  EXPECT_EQ(first.holidays_size(), 3);
  int rows = AuditRows("holiday.import");
  EXPECT_EQ(rows - earlier, 3);
  s = admin().ImportHolidays(Ctx(admin_).get(), req, &again);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(again.added(), 3);  // the first answer, replayed
  EXPECT_EQ(AuditRows("holiday.import"), rows);

  // The same file under a new request: nothing changes, nothing is audited.
  req.set_request_id(NewUuid());
  s = admin().ImportHolidays(Ctx(admin_).get(), req, &again);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(again.added(), 0);
  EXPECT_EQ(again.updated(), 3);
  EXPECT_EQ(AuditRows("holiday.import"), rows);

  // replace: the year's list is the file's.
  req.set_request_id(NewUuid());
  req.set_csv("date,name\n2027-01-01,Tahun Baru 2027 Masehi\n");
  req.set_replace(true);
  s = admin().ImportHolidays(Ctx(admin_).get(), req, &again);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(again.removed(), 2);
  EXPECT_EQ(again.holidays_size(), 1);
  EXPECT_EQ(AuditRows("holiday.import"), rows + 2);
}

TEST_F(RefdataTest, BadInputNamesTheFieldAndChangesNothing) {
  auto expect_invalid = [](const grpc::Status& s, const std::string& field) {
    EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << s.error_message();
    EXPECT_THAT(s.error_message(), ::testing::StartsWith(field)) << s.error_message();
  };
  std::string version = server_->Query("SELECT refdata_version FROM offices WHERE id = 'bpp'");
  {
    v1::AddHolidayRequest req;
    req.set_request_id(NewUuid());
    req.set_date("2027-02-30");
    req.set_name("x");
    v1::Holiday out;
    expect_invalid(admin().AddHoliday(Ctx(admin_).get(), req, &out), "date:");
    req.set_date("2027-02-03");
    req.set_name("");
    expect_invalid(admin().AddHoliday(Ctx(admin_).get(), req, &out), "name:");
  }
  {
    v1::ImportHolidaysRequest req;
    req.set_request_id(NewUuid());
    req.set_year(2027);
    req.set_csv("date,name\n2027-01-01,A\n2028-01-01,B\n");
    v1::ImportHolidaysResponse out;
    expect_invalid(admin().ImportHolidays(Ctx(admin_).get(), req, &out), "csv: line 3: date:");
    // A header-only file with replace would empty the year: refused.
    const char* kYear2027 =
        "SELECT count(*) FROM holidays WHERE office_id = 'bpp' AND extract(year FROM day) = 2027";
    std::string holidays_2027 = server_->Query(kYear2027);
    req.set_csv("date,name\n");
    req.set_replace(true);
    expect_invalid(admin().ImportHolidays(Ctx(admin_).get(), req, &out), "csv:");
    EXPECT_EQ(server_->Query(kYear2027), holidays_2027);
  }
  {
    v1::SetCounterRequest req;
    req.set_request_id(NewUuid());
    req.mutable_counter()->set_id("C9");
    req.mutable_counter()->set_name("Loket 9");
    req.mutable_counter()->add_services("SIP_DUKUN");
    v1::Counter out;
    expect_invalid(admin().SetCounter(Ctx(admin_).get(), req, &out), "counter.services[0]:");
  }
  {
    v1::SetClinicRequest req;
    req.set_request_id(NewUuid());
    v1::Clinic* c = req.mutable_clinic();
    c->set_id("klinik-baru");
    c->set_name("Klinik Baru");
    c->set_kind("clinic");
    c->set_opens("15:00");
    c->set_closes("09:00");
    v1::Clinic out;
    expect_invalid(admin().SetClinic(Ctx(admin_).get(), req, &out), "clinic.closes:");
    c->set_closes("16:00");
    c->set_opens("9am");
    expect_invalid(admin().SetClinic(Ctx(admin_).get(), req, &out), "clinic.opens:");
  }
  {
    v1::UpdateOfficeRequest req;
    req.set_request_id(NewUuid());
    req.mutable_office()->set_name("DPMPTSP Kota Balikpapan");
    req.mutable_office()->set_utc_offset_minutes(1000);
    v1::Office out;
    expect_invalid(admin().UpdateOffice(Ctx(admin_).get(), req, &out),
                   "office.utc_offset_minutes:");
  }
  {
    v1::SetPermitTypeRequest req;
    req.set_request_id(NewUuid());
    req.mutable_permit_type()->set_code("sip");
    v1::PermitType out;
    expect_invalid(admin().SetPermitType(Ctx(admin_).get(), req, &out), "permit_type.code:");
  }
  EXPECT_EQ(server_->Query("SELECT refdata_version FROM offices WHERE id = 'bpp'"), version);
}

TEST_F(RefdataTest, ClinicCounterAndOfficeAreKeptByTheAdminOnly) {
  v1::SetClinicRequest creq;
  creq.set_request_id(NewUuid());
  v1::Clinic* c = creq.mutable_clinic();
  c->set_id("klinik-sehat");
  c->set_name("Klinik Sehat");
  c->set_kind("clinic");
  c->set_address("Jl. Jenderal Sudirman");
  c->set_latitude(-1.26);
  c->set_longitude(116.85);
  c->set_opens("07:30");
  c->set_closes("14:00");
  c->set_phone("0811 2345 678");
  v1::Clinic clinic;
  grpc::Status s = admin().SetClinic(Ctx(officer_).get(), creq, &clinic);
  EXPECT_THAT(s, StatusIs(grpc::PERMISSION_DENIED));
  s = admin().SetClinic(Ctx(admin_).get(), creq, &clinic);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(clinic.opens(), "07:30");
  EXPECT_EQ(clinic.phone(), "+628112345678");
  v1::ListClinicsResponse clinics;
  ASSERT_THAT(admin().ListClinics(Ctx(officer_).get(), v1::ListClinicsRequest(), &clinics), IsOk());
  bool listed = false;
  for (const auto& x : clinics.clinics())
    listed |= x.id() == "klinik-sehat" && x.closes() == "14:00";
  EXPECT_TRUE(listed);

  v1::SetCounterRequest kreq;
  kreq.set_request_id(NewUuid());
  kreq.mutable_counter()->set_id("C9");
  kreq.mutable_counter()->set_name("Loket 9 (tenaga kesehatan)");
  kreq.mutable_counter()->add_services("SIP_PERAWAT");
  kreq.mutable_counter()->set_seated(true);
  v1::Counter counter;
  s = admin().SetCounter(Ctx(admin_).get(), kreq, &counter);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_TRUE(counter.open());
  v1::ListCountersResponse counters;
  ASSERT_THAT(admin().ListCounters(Ctx(counter_).get(), v1::ListCountersRequest(), &counters),
              IsOk());
  bool seen = false;
  for (const auto& x : counters.counters()) {
    if (x.id() != "C9") continue;
    seen = true;
    ASSERT_EQ(x.services_size(), 1);
    EXPECT_EQ(x.services(0), "SIP_PERAWAT");
    EXPECT_TRUE(x.seated());
  }
  EXPECT_TRUE(seen);

  v1::UpdateOfficeRequest oreq;
  oreq.set_request_id(NewUuid());
  v1::Office* o = oreq.mutable_office();
  o->set_name("DPMPTSP Kota Balikpapan");
  o->set_address("Jl. Jenderal Sudirman No. 1");
  o->set_latitude(-1.24293);
  o->set_longitude(116.89444);
  o->set_utc_offset_minutes(480);
  v1::Office office;
  s = admin().UpdateOffice(Ctx(admin_).get(), oreq, &office);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  v1::Office read;
  ASSERT_THAT(admin().GetOffice(Ctx(officer_).get(), v1::GetOfficeRequest(), &read), IsOk());
  EXPECT_EQ(read.address(), "Jl. Jenderal Sudirman No. 1");
  EXPECT_EQ(read.id(), "bpp");
  // The other office is not touched.
  EXPECT_EQ(server_->Query("SELECT address FROM offices WHERE id = 'smd'"), "");
  EXPECT_EQ(AuditRows("office.update"), 1);
}

TEST_F(RefdataTest, AStaleEtagIsRefusedInsteadOfOverwritingAnotherAdminsChange) {
  v1::ListClinicsResponse clinics;
  ASSERT_THAT(admin().ListClinics(Ctx(admin_).get(), v1::ListClinicsRequest(), &clinics), IsOk());
  v1::Clinic read;
  for (const auto& c : clinics.clinics()) {
    if (c.id() == "pkm-b") read = c;
  }
  ASSERT_EQ(read.id(), "pkm-b");
  ASSERT_FALSE(read.etag().empty());

  // The first admin saves new hours with the etag they read: accepted, a new etag.
  v1::SetClinicRequest first;
  first.set_request_id(NewUuid());
  *first.mutable_clinic() = read;
  first.mutable_clinic()->set_opens("07:00");
  v1::Clinic saved;
  grpc::Status s = admin().SetClinic(Ctx(admin_).get(), first, &saved);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_NE(saved.etag(), read.etag());

  // The second admin read before that save: refused, nothing overwritten.
  v1::SetClinicRequest second;
  second.set_request_id(NewUuid());
  *second.mutable_clinic() = read;
  second.mutable_clinic()->set_closes("12:00");
  s = admin().SetClinic(Ctx(admin_).get(), second, &saved);
  EXPECT_THAT(s, StatusIs(grpc::ABORTED)) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("clinic.etag:"));
  EXPECT_EQ(server_->Query("SELECT opens::text || '-' || closes::text FROM clinics"
                           " WHERE id = 'pkm-b'"),
            "07:00:00-16:00:00");

  // Permit types: the etag listed is the one SetPermitType checks.
  v1::ListPermitTypesResponse types;
  ASSERT_THAT(
      server_->catalog().ListPermitTypes(Ctx(admin_).get(), v1::ListPermitTypesRequest(), &types),
      IsOk());
  v1::PermitType reklame;
  for (const auto& t : types.permit_types()) {
    if (t.code() == "REKLAME") reklame = t;
  }
  ASSERT_FALSE(reklame.etag().empty());
  v1::SetPermitTypeRequest preq;
  preq.set_request_id(NewUuid());
  *preq.mutable_permit_type() = reklame;
  preq.mutable_permit_type()->set_fee_idr(200000);
  v1::PermitType pt;
  s = admin().SetPermitType(Ctx(admin_).get(), preq, &pt);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_NE(pt.etag(), reklame.etag());
  preq.set_request_id(NewUuid());
  preq.mutable_permit_type()->set_fee_idr(300000);
  s = admin().SetPermitType(Ctx(admin_).get(), preq, &pt);
  EXPECT_THAT(s, StatusIs(grpc::ABORTED)) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("permit_type.etag:"));
  EXPECT_EQ(server_->Query("SELECT fee_idr FROM permit_types WHERE office_id = 'bpp'"
                           " AND code = 'REKLAME'"),
            "200000");
}

// loketd computes etags itself (common/md5.h) where it asked PostgreSQL's md5() before: the etag
// of every record is still the text PostgreSQL gives, non-ASCII names included, so an etag a
// client read from an older loketd is still the record's.
TEST_F(RefdataTest, EtagsAreTheTextPostgresMd5GivesForTheRecordsJson) {
  for (const std::string text : {std::string(""), std::string("abc"),
                                 std::string("Puskesmas Klandasan Ilir — Jl. Sudirman № 5"),
                                 std::string("Hari Raya Idul Fitri 1447 H 🌙 日本 Ñandú")}) {
    EXPECT_EQ(Md5Hex(text), server_->Query("SELECT md5('" + text + "')")) << text;
  }

  v1::SetClinicRequest creq;
  creq.set_request_id(NewUuid());
  v1::Clinic* c = creq.mutable_clinic();
  c->set_id("klinik-nandu");
  c->set_name("Klinik Ñandú — Sehat 日本");
  c->set_kind("clinic");
  c->set_address("Jl. Ahmad Yani № 7");
  c->set_opens("08:00");
  c->set_closes("16:00");
  v1::Clinic clinic;
  grpc::Status s = admin().SetClinic(Ctx(admin_).get(), creq, &clinic);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(clinic.etag(), server_->Query("SELECT md5((to_jsonb(c) - 'office_id')::text)"
                                          " FROM clinics c WHERE id = 'klinik-nandu'"));

  v1::UpdateOfficeRequest oreq;
  oreq.set_request_id(NewUuid());
  v1::Office* o = oreq.mutable_office();
  o->set_name("DPMPTSP Kota Balikpapan — Pelayanan Terpadu Satu Pintu");
  o->set_address("Jl. Jenderal Sudirman № 1");
  o->set_utc_offset_minutes(480);
  v1::Office office;
  s = admin().UpdateOffice(Ctx(admin_).get(), oreq, &office);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  const std::string office_md5 = server_->Query(
      "SELECT md5(jsonb_build_object('name', name, 'address', address, 'latitude', latitude,"
      " 'longitude', longitude, 'utc_offset_minutes', utc_offset_minutes)::text)"
      " FROM offices WHERE id = 'bpp'");
  EXPECT_EQ(office.etag(), office_md5);
  v1::Office read;
  ASSERT_THAT(admin().GetOffice(Ctx(officer_).get(), v1::GetOfficeRequest(), &read), IsOk());
  EXPECT_EQ(read.etag(), office_md5);

  // An edit naming that etag is accepted: the etag checked is the one read.
  oreq.set_request_id(NewUuid());
  o->set_etag(office_md5);
  o->set_address("Jl. Jenderal Sudirman № 2");
  s = admin().UpdateOffice(Ctx(admin_).get(), oreq, &office);
  EXPECT_THAT(s, IsOk()) << s.error_message();
}

}  // namespace
}  // namespace loket::itest
