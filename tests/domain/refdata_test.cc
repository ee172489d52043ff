// The admin's reference data (issue 13): validation names the field, the holiday CSV parser.
#include "server/domain/refdata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

TEST(HolidayCsvTest, ReadsTheGovernmentsListWithQuotedSources) {
  auto rows = ParseHolidayCsv(
      "date,name,kind,source\n"
      "2027-01-01,Tahun Baru 2027 Masehi,libur_nasional,\"SKB 3 Menteri, 2026\"\r\n"
      "\n"
      "2027-08-17,\"Proklamasi Kemerdekaan RI\",libur_nasional,\"a \"\"quoted\"\" source\"\n",
      2027);
  ASSERT_THAT(rows, IsOk()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].day, absl::CivilDay(2027, 1, 1));
  EXPECT_EQ((*rows)[0].name, "Tahun Baru 2027 Masehi");
  EXPECT_EQ((*rows)[1].day, absl::CivilDay(2027, 8, 17));
  EXPECT_EQ((*rows)[1].name, "Proklamasi Kemerdekaan RI");
}

TEST(HolidayCsvTest, ColumnsInAnyOrder) {
  auto rows = ParseHolidayCsv("name,date\nNatal,2027-12-25\n", 2027);
  ASSERT_THAT(rows, IsOk()) << rows.status();
  EXPECT_EQ((*rows)[0].day, absl::CivilDay(2027, 12, 25));
}

TEST(HolidayCsvTest, ErrorsNameTheLineAndField) {
  auto bad_date = ParseHolidayCsv("date,name\n2027-01-01,A\n2027-02-30,B\n", 2027);
  EXPECT_THAT(bad_date,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("csv: line 3: date:")));

  auto other_year = ParseHolidayCsv("date,name\n2026-12-25,Natal\n", 2027);
  EXPECT_THAT(other_year,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not in 2027")));

  auto twice = ParseHolidayCsv("date,name\n2027-12-25,Natal\n2027-12-25,Natal lagi\n", 2027);
  EXPECT_THAT(twice, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("line 3: date: 2027-12-25 appears twice")));

  auto no_name = ParseHolidayCsv("date,name\n2027-12-25,  \n", 2027);
  EXPECT_THAT(no_name,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2: name: required")));

  auto header = ParseHolidayCsv("tanggal,nama\n2027-12-25,Natal\n", 2027);
  EXPECT_THAT(header,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1: the header")));

  auto year = ParseHolidayCsv("date,name\n", 1999);
  EXPECT_THAT(year, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("year:")));
}

TEST(RefDateTest, OnlyRealDates) {
  EXPECT_THAT(ParseRefDate("2027-02-28", "date"), IsOk());
  EXPECT_THAT(ParseRefDate("2027-02-29", "date"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseRefDate("2027-2-28", "date"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(ParseRefDate("x", "date").status().message()), HasSubstr("date:"));
}

PermitType GoodType() {
  PermitType p;
  p.code = "SIP_APOTEKER";
  p.name = " SIP Apoteker ";
  p.fee_idr = 0;
  p.service_level_days = 5;
  p.validity_months = 60;
  p.required_documents = {{"STR", "Surat Tanda Registrasi", true}, {"KTP", "KTP", true}};
  return p;
}

TEST(PermitTypeValidationTest, AcceptsAndTrims) {
  PermitType p = GoodType();
  ASSERT_THAT(ValidatePermitType(p), IsOk());
  EXPECT_EQ(p.name, "SIP Apoteker");
  EXPECT_EQ(PermitNumberCode(p), p.code) << "no number code: the type's code";
  p.number_code = " sip.apt-1 ";
  ASSERT_THAT(ValidatePermitType(p), IsOk());
  EXPECT_EQ(p.number_code, "SIP.APT-1");
  EXPECT_EQ(PermitNumberCode(p), "SIP.APT-1");
}

TEST(PermitTypeValidationTest, EachBadFieldIsNamed) {
  auto message = [](auto change) {
    PermitType p = GoodType();
    change(p);
    return std::string(ValidatePermitType(p).message());
  };
  EXPECT_THAT(message([](PermitType& p) { p.code = "sip"; }), HasSubstr("permit_type.code:"));
  EXPECT_THAT(message([](PermitType& p) { p.name = ""; }), HasSubstr("permit_type.name:"));
  EXPECT_THAT(message([](PermitType& p) { p.fee_idr = -1; }), HasSubstr("permit_type.fee_idr:"));
  EXPECT_THAT(message([](PermitType& p) { p.service_level_days = 0; }),
              HasSubstr("permit_type.service_level_days:"));
  EXPECT_THAT(message([](PermitType& p) { p.validity_months = 601; }),
              HasSubstr("permit_type.validity_months:"));
  for (const char* bad : {"SI/PP", ".SIPP", "SIPP_1", "ABCDEFGHIJKLMNOPQ"}) {
    EXPECT_THAT(message([&](PermitType& p) { p.number_code = bad; }),
                HasSubstr("permit_type.number_code:"))
        << bad;
  }
  EXPECT_THAT(message([](PermitType& p) { p.required_documents[1].code = "STR"; }),
              HasSubstr("permit_type.required_documents[1].code: STR is listed twice"));
  EXPECT_THAT(message([](PermitType& p) { p.required_documents[0].name = "a\nb"; }),
              HasSubstr("permit_type.required_documents[0].name:"));
}

ClinicInfo GoodClinic() {
  ClinicInfo c;
  c.id = "klinik-sehat";
  c.name = "Klinik Sehat";
  c.kind = "clinic";
  c.latitude = -1.25;
  c.longitude = 116.85;
  c.opens = 7 * 60;
  c.closes = 14 * 60;
  c.phone = "0811 2345 678";
  return c;
}

TEST(ClinicValidationTest, AcceptsAndNormalisesThePhone) {
  ClinicInfo c = GoodClinic();
  ASSERT_THAT(ValidateClinic(c), IsOk()) << ValidateClinic(c);
  EXPECT_EQ(c.phone, "+628112345678");
}

TEST(ClinicValidationTest, EachBadFieldIsNamed) {
  auto message = [](auto change) {
    ClinicInfo c = GoodClinic();
    change(c);
    return std::string(ValidateClinic(c).message());
  };
  EXPECT_THAT(message([](ClinicInfo& c) { c.id = "Klinik Sehat"; }), HasSubstr("clinic.id:"));
  EXPECT_THAT(message([](ClinicInfo& c) { c.kind = "apotek"; }), HasSubstr("clinic.kind:"));
  EXPECT_THAT(message([](ClinicInfo& c) { c.latitude = 91; }), HasSubstr("clinic.latitude:"));
  EXPECT_THAT(message([](ClinicInfo& c) { c.longitude.reset(); }), HasSubstr("clinic.longitude:"));
  EXPECT_THAT(message([](ClinicInfo& c) { c.closes = c.opens; }), HasSubstr("clinic.closes:"));
  EXPECT_THAT(message([](ClinicInfo& c) { c.phone = "12"; }), HasSubstr("clinic.phone:"));
}

TEST(CounterValidationTest, EachBadFieldIsNamed) {
  CounterInfo c{"C5", "Loket 5", {"SIP_BIDAN", "SIK"}, true};
  ASSERT_THAT(ValidateCounter(c), IsOk());
  CounterInfo bad_id = c;
  bad_id.id = "c5";
  EXPECT_THAT(std::string(ValidateCounter(bad_id).message()), HasSubstr("counter.id:"));
  CounterInfo twice = c;
  twice.services = {"SIK", "SIK"};
  EXPECT_THAT(std::string(ValidateCounter(twice).message()),
              HasSubstr("counter.services[1]: SIK is listed twice"));
  CounterInfo no_name = c;
  no_name.name = " ";
  EXPECT_THAT(std::string(ValidateCounter(no_name).message()), HasSubstr("counter.name:"));
}

TEST(OfficeValidationTest, EachBadFieldIsNamed) {
  OfficeInfo o{"bpp", "DPMPTSP Kota Balikpapan", "", -1.24, 116.89, 480};
  ASSERT_THAT(ValidateOffice(o), IsOk());
  OfficeInfo tz = o;
  tz.utc_offset_minutes = 481;
  EXPECT_THAT(std::string(ValidateOffice(tz).message()), HasSubstr("office.utc_offset_minutes:"));
  // 0 is an omitted field in proto3, not a move to UTC.
  tz.utc_offset_minutes = 0;
  EXPECT_THAT(std::string(ValidateOffice(tz).message()), HasSubstr("office.utc_offset_minutes:"));
  tz.utc_offset_minutes = 420;
  EXPECT_THAT(ValidateOffice(tz), IsOk());
  OfficeInfo name = o;
  name.name = "";
  EXPECT_THAT(std::string(ValidateOffice(name).message()), HasSubstr("office.name:"));
}

// --- Decisions the store carries out (issue 14) ------------------------------------------------

TEST(EtagTest, AnEditRefusesARecordThatMovedOnOrWentAway) {
  EXPECT_THAT(CheckEtag("clinic.etag", "", std::nullopt), IsOk());
  EXPECT_THAT(CheckEtag("clinic.etag", "", std::string("abc")), IsOk());
  EXPECT_THAT(CheckEtag("clinic.etag", "abc", std::string("abc")), IsOk());
  EXPECT_THAT(CheckEtag("clinic.etag", "abc", std::string("def")),
              StatusIs(absl::StatusCode::kAborted,
                       "clinic.etag: changed since you read it (someone else saved it); re-read "
                       "and retry"));
  EXPECT_THAT(CheckEtag("counter.etag", "abc", std::nullopt),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("counter.etag: removed since")));
}

TEST(EtagTest, ARecordsEtagIsTheMd5HexOfItsAuditJson) {
  // PostgreSQL 15's md5() of the same text (it computed etags before): etags read then stay valid.
  EXPECT_EQ(RecordEtag(R"({"id": "pkm-1", "name": "Klinik Ñandú 日本", "phone": ""})"),
            "e74db675d716813c75dbb5e4bc37c0d4");
  EXPECT_EQ(RecordEtag(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(EtagTest, AnEditChecksTheEtagOfTheRecordAsItReadIt) {
  const std::string json = R"({"id": "C1", "name": "Loket 1"})";
  const std::string etag = RecordEtag(json);
  EXPECT_THAT(CheckEtagOf("counter.etag", "", std::nullopt), IsOk());
  EXPECT_THAT(CheckEtagOf("counter.etag", "", json), IsOk());
  EXPECT_THAT(CheckEtagOf("counter.etag", etag, json), IsOk());
  EXPECT_THAT(CheckEtagOf("counter.etag", etag, std::string(R"({"id": "C1", "name": "Loket 2"})")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("counter.etag: changed since")));
  EXPECT_THAT(CheckEtagOf("counter.etag", etag, std::nullopt),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("counter.etag: removed since")));
}

TEST(AuditTest, OnlyAnEditThatChangedTheRecordIsAudited) {
  EXPECT_TRUE(IsAuditedChange(std::nullopt, std::string("{}")));  // created
  EXPECT_TRUE(IsAuditedChange(std::string("{}"), std::nullopt));  // removed
  EXPECT_TRUE(IsAuditedChange(std::string(R"({"a": 1})"), std::string(R"({"a": 2})")));
  EXPECT_FALSE(IsAuditedChange(std::string(R"({"a": 1})"), std::string(R"({"a": 1})")));
  EXPECT_FALSE(IsAuditedChange(std::nullopt, std::nullopt));
}

TEST(CounterServicesTest, OnlyTheOfficesPermitTypes) {
  CounterInfo c;
  c.services = {"SIP_PERAWAT", "SIUP", "PBG"};
  EXPECT_THAT(CheckCounterServices(c, {"SIP_PERAWAT", "SIUP", "PBG", "X"}), IsOk());
  EXPECT_THAT(CheckCounterServices(c, {"SIP_PERAWAT"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "counter.services[1]: SIUP is not a permit type of the office"));
  c.services.clear();
  EXPECT_THAT(CheckCounterServices(c, {}), IsOk());
}

TEST(HolidayImportPlanTest, WritesTheFileAndRemovesTheRestOnlyWhenReplacing) {
  const std::set<absl::CivilDay> existing = {
      absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 3, 19), absl::CivilDay(2026, 12, 25)};
  const std::vector<HolidayEntry> file = {{absl::CivilDay(2026, 3, 19), "Nyepi"},
                                          {absl::CivilDay(2026, 3, 20), "Idul Fitri"}};
  HolidayImportPlan plan = PlanHolidayImport(existing, file, false);
  ASSERT_EQ(plan.write.size(), 2u);
  EXPECT_EQ(plan.write[1].name, "Idul Fitri");
  EXPECT_EQ(plan.added, 1);
  EXPECT_EQ(plan.updated, 1);
  EXPECT_TRUE(plan.remove.empty());
  plan = PlanHolidayImport(existing, file, true);
  EXPECT_EQ(plan.remove, (std::vector<absl::CivilDay>{absl::CivilDay(2026, 1, 1),
                                                      absl::CivilDay(2026, 12, 25)}));
}

TEST(HolidayDaysFreeTest, AHolidayWaitsUntilTheBookingsOfItsDayHaveMoved) {
  const absl::CivilDay today(2026, 4, 20);
  // Nothing booked, or only on a day already past: a holiday may fall there.
  EXPECT_THAT(CheckHolidayDaysFree(today, {{absl::CivilDay(2026, 4, 21)}}, "date"), IsOk());
  EXPECT_THAT(CheckHolidayDaysFree(today, {{absl::CivilDay(2026, 4, 17), 3, 1, 2}}, "date"),
              IsOk());
  // Today and later: every day that holds something is named, with what it holds.
  absl::Status s = CheckHolidayDaysFree(today,
                                        {{absl::CivilDay(2026, 4, 20), 1, 0, 0},
                                         {absl::CivilDay(2026, 4, 21)},
                                         {absl::CivilDay(2026, 4, 22), 2, 3, 1}},
                                        "csv");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("csv: 2026-04-20 has 1 booked visit; 2026-04-22 has 2 booked "
                                    "visits, 3 appointment requests, 1 courier stop. Close the "
                                    "day first")));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("2026-04-21")));
}

TEST(MovedDueDatesTest, AHolidayMovesTheDueDatesOfClocksRunningOverIt) {
  // Mon 2 March 2026, five working days: due Mon 9 March; a holiday on Wed 4 March: Tue 10.
  StoredDueDate r;
  r.case_id = 5;
  r.clock.service_level_days = 5;
  r.clock.started_on = absl::CivilDay(2026, 3, 2);
  r.due = absl::CivilDay(2026, 3, 9);
  StoredDueDate unchanged = r;
  unchanged.case_id = 6;
  unchanged.clock.started_on = absl::CivilDay(2026, 3, 9);
  unchanged.due = ComputeSla(unchanged.clock, WorkingCalendar({absl::CivilDay(2026, 3, 4)}),
                             absl::CivilDay(2026, 3, 9), true)
                      .due.value();
  std::vector<DueDateMove> moved =
      MovedDueDates({r, unchanged}, WorkingCalendar({absl::CivilDay(2026, 3, 4)}));
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].case_id, 5);
  EXPECT_EQ(moved[0].from, absl::CivilDay(2026, 3, 9));
  EXPECT_EQ(moved[0].to, absl::CivilDay(2026, 3, 10));
}

}  // namespace
}  // namespace loket::domain
