// How long the signed permit takes: render (cairo + QR), sign (PoDoFo + OpenSSL CMS), one after
// the other as loketd does on issue, for --n letters; and, as a baseline in the same run, the
// SHA-256 of the finished PDF (what storing it costs in CPU besides the INSERT). Usage:
//   build/bin/permit_render_bench --key var/pki/office.key --cert var/pki/office.pem --n 200
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "server/permit/permit_letter.h"

ABSL_FLAG(std::string, key, "var/pki/office.key", "signing key (PEM)");
ABSL_FLAG(std::string, cert, "var/pki/office.pem", "signing certificate (PEM)");
ABSL_FLAG(int, n, 200, "letters");

namespace {
using Clock = std::chrono::steady_clock;
double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
void Report(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  std::printf("%-14s mean %7.2f ms  p50 %7.2f  p99 %7.2f  max %7.2f\n", what, sum / v.size(),
              v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 99 / 100)], v.back());
}
}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto signer =
      loket::permit::PermitSigner::Load(absl::GetFlag(FLAGS_key), absl::GetFlag(FLAGS_cert), "");
  if (!signer.ok()) {
    std::fprintf(stderr, "%s\n", signer.status().ToString().c_str());
    return 1;
  }
  const int n = absl::GetFlag(FLAGS_n);
  std::vector<double> render, sign, total, sha;
  size_t bytes = 0;
  for (int i = 0; i < n; ++i) {
    loket::permit::PermitLetter l;
    l.office_name = "DPMPTSP Kota Balikpapan";
    l.office_address = "Jl. Jenderal Sudirman No. 1, Balikpapan";
    l.permit_type_code = "SIP_PERAWAT";
    l.permit_type_name = "Surat Izin Praktik Perawat (SIPP)";
    l.permit_number = absl::StrCat("503/", 1000 + i, "/SIP_PERAWAT/DPMPTSP-BPP/2026");
    l.holder_name = "Ns. Siti Rahmawati";
    l.holder_nik = "6471065708900001";
    l.practice_place = "Puskesmas Klandasan Ilir";
    l.str_number = "STR-0042";
    l.issued_on = "2026-11-30";
    l.valid_until = "2031-11-29";
    l.official_name = "dr. H. Andi Sulaiman, M.Kes";
    l.official_position = "Kepala DPMPTSP Kota Balikpapan";
    l.verify_url =
        absl::StrCat("https://loket.example/#/verify?number=503%2F", 1000 + i, "&code=K7Q2M9XR4T");
    Clock::time_point t0 = Clock::now();
    auto pdf = loket::permit::RenderPermitPdf(l);
    Clock::time_point t1 = Clock::now();
    auto signed_pdf = (*signer)->Sign(*pdf, "Izin", l.office_name);
    Clock::time_point t2 = Clock::now();
    if (!pdf.ok() || !signed_pdf.ok()) return 1;
    std::string h = loket::Sha256Hex(*signed_pdf);
    Clock::time_point t3 = Clock::now();
    bytes = signed_pdf->size() + (h.empty() ? 1 : 0);
    render.push_back(Ms(t1 - t0));
    sign.push_back(Ms(t2 - t1));
    total.push_back(Ms(t2 - t0));
    sha.push_back(Ms(t3 - t2));
  }
  std::printf("%d letters, %zu bytes each (signed)\n", n, bytes);
  Report("render", render);
  Report("sign", sign);
  Report("render+sign", total);
  Report("sha256 (base)", sha);
  return 0;
}
