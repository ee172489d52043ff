#include <map>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "workers/notify/json_text.h"
#include "workers/notify/templates.h"

namespace loket::notify {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Every param any template uses, with realistic lengths: the length check below is only worth
// something with a long permit name and a long applicant name.
std::map<std::string, std::string> AllParams() {
  return {{"name", "Siti Rahmawati Nurhaliza"},
          {"case_id", "20260317"},
          {"permit_name", "Persetujuan Bangunan Gedung"},
          {"permit_type", "PBG"},
          {"date", "2026-03-17"},
          {"due_date", "2026-03-31"},
          {"reason", "fotokopi KTP tidak terbaca"},
          {"permit_number", "503/PBG/0042/DPMPTSP/III/2026"},
          {"verification_code", "K7Q2-9XMA"},
          {"time", "10:30"},
          {"code", "A-017"},
          {"window", "10:00-11:00 WITA"},
          {"courier", "Budi Santoso"},
          {"courier_phone", "081350000001"},
          {"tracking_code", "K7M4QX9D2P"},
          {"new_date", "2026-03-18"},
          {"minutes", "10"},
          {"valid_until_date", "2031-03-17"},
          {"days", "90"}};
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(TemplatesTest, SubmittedInIndonesian) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("case.submitted", "id", AllParams());
  ASSERT_THAT(m, IsOk()) << m.status();
  EXPECT_EQ(m->body,
            "Yth. Siti Rahmawati Nurhaliza, permohonan Persetujuan Bangunan Gedung Anda "
            "(No. 20260317) telah kami terima pada 17 Maret 2026. Perkiraan selesai: "
            "31 Maret 2026. Kode lacak: K7M4QX9D2P (lihat status di laman kami). "
            "DPMPTSP Kota Balikpapan");
  EXPECT_EQ(m->subject, "Permohonan Persetujuan Bangunan Gedung No. 20260317 telah diterima");
}

TEST(TemplatesTest, SubmittedInEnglish) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("case.submitted", "en", AllParams());
  ASSERT_THAT(m, IsOk()) << m.status();
  EXPECT_EQ(m->body,
            "Dear Siti Rahmawati Nurhaliza, we received your Persetujuan Bangunan Gedung "
            "application (No. 20260317) on 17 March 2026. Expected completion: 31 March 2026. "
            "Tracking code: K7M4QX9D2P (follow it on our web pages). DPMPTSP Kota Balikpapan");
}

TEST(TemplatesTest, RejectionCarriesTheReason) {
  absl::StatusOr<RenderedMessage> id = RenderTemplate("case.rejected", "id", AllParams());
  absl::StatusOr<RenderedMessage> en = RenderTemplate("case.rejected", "en", AllParams());
  ASSERT_TRUE(id.ok() && en.ok());
  EXPECT_THAT(id->body, HasSubstr("Alasan: fotokopi KTP tidak terbaca."));
  EXPECT_THAT(en->body, HasSubstr("Reason: fotokopi KTP tidak terbaca."));
}

TEST(TemplatesTest, IssuedCarriesPermitNumberAndVerificationCode) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("case.issued", "id", AllParams());
  ASSERT_THAT(m, IsOk()) << m.status();
  EXPECT_THAT(m->body, HasSubstr("nomor 503/PBG/0042/DPMPTSP/III/2026"));
  EXPECT_THAT(m->body, HasSubstr("Kode verifikasi: K7Q2-9XMA"));
}

TEST(TemplatesTest, UnknownOrMissingLanguageFallsBackToIndonesian) {
  for (const char* language : {"", "fr", "jv", "english"}) {
    absl::StatusOr<RenderedMessage> m = RenderTemplate("case.approved", language, AllParams());
    ASSERT_THAT(m, IsOk()) << m.status();
    EXPECT_THAT(m->body, ::testing::StartsWith("Yth. ")) << language;
  }
}

TEST(TemplatesTest, LanguageCaseAndRegionAreIgnored) {
  for (const char* language : {"EN", "en-US", "en_GB"}) {
    absl::StatusOr<RenderedMessage> m = RenderTemplate("case.approved", language, AllParams());
    ASSERT_THAT(m, IsOk()) << m.status();
    EXPECT_THAT(m->body, ::testing::StartsWith("Dear ")) << language;
  }
  absl::StatusOr<RenderedMessage> m = RenderTemplate("case.approved", "id-ID", AllParams());
  ASSERT_THAT(m, IsOk());
  EXPECT_THAT(m->body, ::testing::StartsWith("Yth. "));
}

TEST(TemplatesTest, MissingParamIsNamed) {
  std::map<std::string, std::string> params = AllParams();
  params.erase("reason");
  absl::StatusOr<RenderedMessage> m = RenderTemplate("case.rejected", "id", params);
  EXPECT_EQ(m.status(), absl::InvalidArgumentError("params.reason: missing for case.rejected"));
}

TEST(TemplatesTest, EveryMissingParamIsNamedOnce) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("case.issued", "en", {{"name", "Siti"}});
  EXPECT_EQ(m.status(),
            absl::InvalidArgumentError("params.permit_name, params.case_id, params.permit_number, "
                                       "params.verification_code: missing for case.issued"));
}

TEST(TemplatesTest, UnknownTemplateIsNotFound) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("case.teleported", "id", AllParams());
  EXPECT_THAT(m, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(m.status().message(), HasSubstr("case.teleported"));
}

TEST(TemplatesTest, ValuesAreInsertedVerbatimAndNotExpandedAgain) {
  std::map<std::string, std::string> params = AllParams();
  params["name"] = "{case_id} <b>&amp; \"Ä\"";
  params["due_date"] = "-";
  params["date"] = "2026-02-30";  // not a day: left as given
  absl::StatusOr<RenderedMessage> m = RenderTemplate("case.submitted", "id", params);
  ASSERT_THAT(m, IsOk()) << m.status();
  EXPECT_THAT(m->body, ::testing::StartsWith("Yth. {case_id} <b>&amp; \"Ä\", permohonan"));
  EXPECT_THAT(m->body, HasSubstr("pada 2026-02-30. Perkiraan selesai: -."));
}

// Issue 11: the clinic's desk hears the day, the window in office time and who comes.
TEST(TemplatesTest, PickupPlannedNamesTheDayTheWindowAndTheCourier) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("courier.pickup_planned", "id", AllParams());
  ASSERT_THAT(m, IsOk()) << m.status();
  EXPECT_EQ(m->body,
            "Yth. Siti Rahmawati Nurhaliza, kurir kami akan menjemput berkas permohonan "
            "No. 20260317 pada 17 Maret 2026 pukul 10:00-11:00 WITA. Kurir: Budi Santoso, "
            "telp. 081350000001. Mohon siapkan berkasnya. DPMPTSP Kota Balikpapan");
  EXPECT_EQ(m->subject, "Penjemputan berkas No. 20260317: 17 Maret 2026 10:00-11:00 WITA");
  m = RenderTemplate("courier.pickup_planned", "en", AllParams());
  ASSERT_THAT(m, IsOk()) << m.status();
  EXPECT_EQ(m->body,
            "Dear Siti Rahmawati Nurhaliza, our courier will pick up the documents for application "
            "No. 20260317 on 17 March 2026, 10:00-11:00 WITA. Courier: Budi Santoso, phone "
            "081350000001. Please have them ready. DPMPTSP Kota Balikpapan");
  for (const char* id : {"courier.pickup_planned", "courier.delivery_planned"}) {
    std::map<std::string, std::string> params = AllParams();
    params.erase("courier_phone");
    absl::StatusOr<RenderedMessage> missing = RenderTemplate(id, "id", params);
    EXPECT_THAT(missing, StatusIs(absl::StatusCode::kInvalidArgument)) << id;
    EXPECT_THAT(std::string(missing.status().message()), HasSubstr("params.courier_phone"));
  }
  m = RenderTemplate("courier.delivery_planned", "id", AllParams());
  ASSERT_THAT(m, IsOk()) << m.status();
  EXPECT_THAT(m->body, HasSubstr("pada 17 Maret 2026 pukul 10:00-11:00 WITA. Kurir: Budi Santoso, "
                                 "telp. 081350000001."));
}

TEST(TemplatesTest, EveryTemplateRendersShortInBothLanguages) {
  const std::vector<std::string> ids = TemplateIds();
  // 16 + visit.online (the live queue) + booking.code (public) + courier.day_closed (a flood)
  // + case.revoked and permit.expiry_reminder (issue 13)
  EXPECT_EQ(ids.size(), 21u);
  for (const std::string& id : ids) {
    for (const char* language : {"id", "en"}) {
      SCOPED_TRACE(id + "/" + language);
      absl::StatusOr<RenderedMessage> m = RenderTemplate(id, language, AllParams());
      ASSERT_THAT(m, IsOk()) << m.status();
      EXPECT_FALSE(m->subject.empty());
      EXPECT_LE(Utf8Length(m->body), 300u) << m->body;
      EXPECT_THAT(m->body, Not(HasSubstr("{")));
      EXPECT_THAT(m->subject, Not(HasSubstr("{")));
      EXPECT_THAT(m->body, ::testing::EndsWith("DPMPTSP Kota Balikpapan"));
      EXPECT_THAT(m->body,
                  ::testing::StartsWith(std::string(language) == "id" ? "Yth. Siti" : "Dear Siti"));
    }
  }
  for (const char* id : {"case.submitted", "case.verification_started", "case.revision_requested",
                         "case.revision_received", "case.approved", "case.rejected", "case.issued",
                         "case.collected", "case.delivered", "case.withdrawn",
                         "appointment.confirmed", "appointment.reminder", "appointment.cancelled",
                         "courier.pickup_planned", "courier.near", "courier.delivery_planned",
                         "courier.day_closed", "case.revoked", "permit.expiry_reminder"}) {
    EXPECT_THAT(ids, ::testing::Contains(id));
  }
}

TEST(TemplatesTest, ExpiryReminderWritesTheEndDateOutAndTheDaysLeft) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("permit.expiry_reminder", "id", AllParams());
  ASSERT_THAT(m, IsOk()) << m.status();
  EXPECT_THAT(m->body, HasSubstr("berlaku sampai 17 Maret 2031 (90 hari lagi)"));
  EXPECT_EQ(m->subject, "Izin Persetujuan Bangunan Gedung Anda berakhir 17 Maret 2031");
}

TEST(JsonTextTest, QuoteEscapesControlCharactersAndKeepsUtf8) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\te\x01 é"), "\"a\\\"b\\\\c\\nd\\te\\u0001 é\"");
}

TEST(JsonTextTest, QuoteReplacesInvalidUtf8) {
  // A lone continuation byte, a truncated sequence, an overlong '/' and a UTF-16 surrogate.
  EXPECT_EQ(JsonQuote("a\x80z\xC3"), "\"a\xEF\xBF\xBDz\xEF\xBF\xBD\"");
  EXPECT_EQ(JsonQuote("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(JsonQuote("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonTextTest, FindsTopLevelMembers) {
  const std::string json = R"({"nested": {"message_id": "inner", "list": [1, "}"]}, "ok": true,)"
                           R"( "message_id": "gw-\"7\"\u00e9\ud83d\ude00", "count": 42})";
  EXPECT_EQ(FindJsonMember(json, "message_id"), "gw-\"7\"é\xF0\x9F\x98\x80");
  EXPECT_EQ(FindJsonMember(json, "count"), "42");
  EXPECT_EQ(FindJsonMember(json, "ok"), std::nullopt);
  EXPECT_EQ(FindJsonMember(json, "nested"), std::nullopt);
  EXPECT_EQ(FindJsonMember(json, "absent"), std::nullopt);
  EXPECT_EQ(FindJsonMember("not json", "message_id"), std::nullopt);
  EXPECT_EQ(FindJsonMember("", "message_id"), std::nullopt);
  EXPECT_EQ(FindJsonMember(R"({"message_id": "unterminated)", "message_id"), std::nullopt);
}

TEST(JsonTextTest, PrintableExcerptIsOneLineOfValidUtf8) {
  EXPECT_EQ(PrintableExcerpt("line one\r\nline two\x01", 100), "line one  line two ");
  EXPECT_EQ(PrintableExcerpt("ok\xFF", 100), "ok\xEF\xBF\xBD");
  EXPECT_EQ(PrintableExcerpt("abc\xC3\xA9", 4), "abc");  // never half a character
  EXPECT_EQ(PrintableExcerpt("abc\xC3\xA9", 5), "abc\xC3\xA9");
}

}  // namespace
}  // namespace loket::notify
