#include "server/permit/permit_letter.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <podofo/podofo.h>
#include <qrencode.h>

#include <cstdio>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace loket::permit {
namespace {

constexpr double kPageWidth = 595.28;  // A4 in points
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 64;
constexpr const char* kFont = "DejaVu Sans";
// Room for the DER CMS (signer certificate, chain, attributes); PoDoFo writes it as hex.
constexpr size_t kSignatureBytes = 16384;

std::string IndonesianDate(const std::string& ymd) {
  static const char* kMonths[] = {"Januari",   "Februari", "Maret",    "April",
                                  "Mei",       "Juni",     "Juli",     "Agustus",
                                  "September", "Oktober",  "November", "Desember"};
  int y = 0, m = 0, d = 0;
  if (std::sscanf(ymd.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) return ymd;
  return absl::StrCat(d, " ", kMonths[m - 1], " ", y);
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws text with its left edge at x (or centred on x), baseline at y.
void Text(cairo_t* cr, double x, double y, const std::string& s, double size, bool bold,
          bool centred = false) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  if (centred) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    x -= e.x_advance / 2;
  }
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s.c_str());
}

// Word-wraps `s` into lines no wider than `width`; returns the baseline after the last line.
double Paragraph(cairo_t* cr, double x, double y, double width, const std::string& s, double size,
                 double leading) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  std::string line;
  for (const std::string& word :
       std::vector<std::string>(absl::StrSplit(s, ' ', absl::SkipEmpty()))) {
    std::string candidate = line.empty() ? word : absl::StrCat(line, " ", word);
    cairo_text_extents_t e;
    cairo_text_extents(cr, candidate.c_str(), &e);
    if (e.x_advance > width && !line.empty()) {
      cairo_move_to(cr, x, y);
      cairo_show_text(cr, line.c_str());
      y += leading;
      line = word;
    } else {
      line = std::move(candidate);
    }
  }
  if (!line.empty()) {
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, line.c_str());
    y += leading;
  }
  return y;
}

// Draws the QR code of `data` as a square of side `side` at (x, y). False when encoding fails.
bool DrawQr(cairo_t* cr, double x, double y, double side, const std::string& data) {
  QRcode* qr = QRcode_encodeString(data.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == nullptr) return false;
  const int quiet = 4;  // modules of white border, as decoders expect
  const int n = qr->width + 2 * quiet;
  const double m = side / n;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x, y, side, side);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int row = 0; row < qr->width; ++row) {
    for (int col = 0; col < qr->width; ++col) {
      if (qr->data[row * qr->width + col] & 1) {
        cairo_rectangle(cr, x + (col + quiet) * m, y + (row + quiet) * m, m, m);
      }
    }
  }
  cairo_fill(cr);
  QRcode_free(qr);
  return true;
}

std::string OpenSslError(const std::string& what) {
  unsigned long e = ERR_get_error();
  char buf[256] = "unknown error";
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return absl::StrCat(what, ": ", buf);
}

}  // namespace

LetterTemplate TemplateFor(const std::string& code, const std::string& type_name) {
  LetterTemplate t;
  const std::string health_preamble =
      "Berdasarkan permohonan yang bersangkutan dan pemenuhan persyaratan sesuai ketentuan "
      "peraturan perundang-undangan di bidang kesehatan, dengan ini diberikan izin kepada:";
  const std::string health_closing =
      "Izin ini berlaku di tempat praktik tersebut di atas sampai dengan tanggal berlaku, "
      "selama Surat Tanda Registrasi (STR) yang bersangkutan masih berlaku, dan batal apabila "
      "dicabut oleh pejabat yang berwenang.";
  if (code == "SIP_DOKTER") {
    t = {"SURAT IZIN PRAKTIK DOKTER", health_preamble, health_closing, true};
  } else if (code == "SIP_DOKTER_GIGI") {
    t = {"SURAT IZIN PRAKTIK DOKTER GIGI", health_preamble, health_closing, true};
  } else if (code == "SIP_PERAWAT") {
    t = {"SURAT IZIN PRAKTIK PERAWAT", health_preamble, health_closing, true};
  } else if (code == "SIP_BIDAN") {
    t = {"SURAT IZIN PRAKTIK BIDAN", health_preamble, health_closing, true};
  } else if (code == "SIK") {
    t = {"SURAT IZIN KERJA TENAGA TEKNIS KEFARMASIAN", health_preamble, health_closing, true};
  } else {
    std::string title = type_name.empty() ? code : type_name;
    for (char& ch : title) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    t = {title,
         "Berdasarkan permohonan yang bersangkutan dan pemenuhan persyaratan sesuai ketentuan "
         "peraturan perundang-undangan, dengan ini diberikan izin kepada:",
         "Izin ini berlaku sampai dengan tanggal berlaku dan batal apabila dicabut oleh pejabat "
         "yang berwenang.",
         false};
  }
  return t;
}

absl::StatusOr<std::string> RenderPermitPdf(const PermitLetter& l) {
  if (l.permit_number.empty()) return absl::InvalidArgumentError("permit_number: empty");
  if (l.holder_name.empty()) return absl::InvalidArgumentError("holder_name: empty");
  const LetterTemplate t = TemplateFor(l.permit_type_code, l.permit_type_name);
  std::string out;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(AppendToString, &out, kPageWidth, kPageHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                 absl::StrCat(t.title, " ", l.permit_number).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, l.office_name.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Loket");
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);
  const double centre = kPageWidth / 2;
  const double width = kPageWidth - 2 * kMargin;

  // Letterhead.
  double y = 72;
  Text(cr, centre, y, l.office_name, 14, true, true);
  if (!l.office_address.empty()) {
    y += 16;
    Text(cr, centre, y, l.office_address, 9, false, true);
  }
  y += 10;
  cairo_set_line_width(cr, 1.5);
  cairo_move_to(cr, kMargin, y);
  cairo_line_to(cr, kPageWidth - kMargin, y);
  cairo_stroke(cr);

  // Title and number.
  y += 36;
  Text(cr, centre, y, t.title, 13, true, true);
  y += 18;
  Text(cr, centre, y, absl::StrCat("Nomor: ", l.permit_number), 10, false, true);

  y += 32;
  y = Paragraph(cr, kMargin, y, width, t.preamble, 10, 14);

  // The fields.
  y += 8;
  std::vector<std::pair<std::string, std::string>> rows = {
      {"Nama", l.holder_name},
      {"NIK", l.holder_nik},
      {"Jenis izin", l.permit_type_name},
  };
  if (t.health_worker || !l.str_number.empty()) rows.push_back({"Nomor STR", l.str_number});
  if (t.health_worker || !l.practice_place.empty()) {
    rows.push_back({"Tempat praktik", l.practice_place});
  }
  rows.push_back({"Tanggal terbit", IndonesianDate(l.issued_on)});
  if (!l.valid_until.empty()) rows.push_back({"Berlaku sampai", IndonesianDate(l.valid_until)});
  for (const auto& [label, value] : rows) {
    Text(cr, kMargin + 12, y, label, 10, false);
    Text(cr, kMargin + 132, y, ":", 10, false);
    y = Paragraph(cr, kMargin + 144, y, width - 144, value.empty() ? "-" : value, 10, 15);
    y += 3;
  }

  y += 10;
  y = Paragraph(cr, kMargin, y, width, t.closing, 10, 14);

  // The official (right) and the QR code (left).
  y += 30;
  const double right = kPageWidth / 2 + 30;
  Text(cr, right, y, absl::StrCat("Ditetapkan tanggal ", IndonesianDate(l.issued_on)), 10, false);
  Paragraph(cr, right, y + 16, kPageWidth - kMargin - right, l.official_position, 10, 14);
  Text(cr, right, y + 76, "Ditandatangani secara elektronik", 8, false);
  Text(cr, right, y + 96, l.official_name, 10, true);

  const double qr_side = 108;
  if (!l.verify_url.empty()) {
    if (!DrawQr(cr, kMargin, y - 4, qr_side, l.verify_url)) {
      cairo_destroy(cr);
      cairo_surface_destroy(surface);
      return absl::InternalError("libqrencode could not encode the verification address");
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    Paragraph(cr, kMargin, y + qr_side + 8, 200,
              "Pindai kode QR untuk memeriksa keaslian izin ini (scan to verify).", 7, 9);
  }

  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(absl::StrCat("cairo: ", cairo_status_to_string(st)));
  }
  return out;
}

struct PermitSigner::Keys {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509) * chain = nullptr;
  ~Keys() {
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
  }
};

PermitSigner::PermitSigner(std::unique_ptr<Keys> keys) : keys_(std::move(keys)) {}
PermitSigner::~PermitSigner() = default;

absl::StatusOr<std::unique_ptr<PermitSigner>> PermitSigner::Load(const std::string& key_file,
                                                                 const std::string& cert_file,
                                                                 const std::string& chain_file) {
  auto keys = std::make_unique<Keys>();
  auto open = [](const std::string& f) { return BIO_new_file(f.c_str(), "r"); };
  BIO* b = open(key_file);
  if (b == nullptr) return absl::InvalidArgumentError(OpenSslError("key file " + key_file));
  keys->key = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (keys->key == nullptr) {
    return absl::InvalidArgumentError(OpenSslError("key file " + key_file));
  }
  b = open(cert_file);
  if (b == nullptr) return absl::InvalidArgumentError(OpenSslError("cert file " + cert_file));
  keys->cert = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (keys->cert == nullptr) {
    return absl::InvalidArgumentError(OpenSslError("cert file " + cert_file));
  }
  if (X509_check_private_key(keys->cert, keys->key) != 1) {
    return absl::InvalidArgumentError(
        OpenSslError("key file " + key_file + " does not belong to cert file " + cert_file));
  }
  keys->chain = sk_X509_new_null();
  if (!chain_file.empty()) {
    b = open(chain_file);
    if (b == nullptr) return absl::InvalidArgumentError(OpenSslError("chain file " + chain_file));
    while (X509* c = PEM_read_bio_X509(b, nullptr, nullptr, nullptr)) sk_X509_push(keys->chain, c);
    BIO_free(b);
    ERR_clear_error();  // the end of the file reads as an error
    if (sk_X509_num(keys->chain) == 0) {
      return absl::InvalidArgumentError("chain file " + chain_file + ": no certificate in it");
    }
  }
  return std::unique_ptr<PermitSigner>(new PermitSigner(std::move(keys)));
}

std::string PermitSigner::SubjectName() const {
  char buf[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(keys_->cert), NID_commonName, buf, sizeof buf);
  return buf;
}

absl::StatusOr<std::string> PermitSigner::Sign(const std::string& pdf, const std::string& reason,
                                               const std::string& location) const {
  using namespace PoDoFo;
  // PoDoFo prints debug lines (e.g. every trailer it reads) to stdout unless told not to.
  static const bool quiet = [] {
    PdfError::EnableDebug(false);
    PdfError::EnableLogging(false);
    return true;
  }();
  (void)quiet;
  try {
    PdfMemDocument doc;
    doc.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()), true);
    PdfRefCountedBuffer buffer;
    PdfOutputDevice device(&buffer);
    PdfSignOutputDevice signer(&device);
    signer.SetSignatureSize(kSignatureBytes);

    PdfAcroForm* form = doc.GetAcroForm();
    form->GetObject()->GetDictionary().AddKey(PdfName("SigFlags"),
                                              PdfObject(static_cast<pdf_int64>(3)));
    form->SetNeedAppearances(false);
    PdfPage* page = doc.GetPage(0);
    PdfAnnotation* widget = page->CreateAnnotation(ePdfAnnotation_Widget, PdfRect(0, 0, 0, 0));
    widget->SetFlags(ePdfAnnotationFlags_Hidden | ePdfAnnotationFlags_Invisible);
    PdfSignatureField field(widget, form, &doc);
    field.SetFieldName(PdfString("PermitSignature"));
    field.SetSignatureReason(PdfString(reinterpret_cast<const pdf_utf8*>(reason.c_str())));
    field.SetSignatureLocation(PdfString(reinterpret_cast<const pdf_utf8*>(location.c_str())));
    field.SetSignatureDate(PdfDate());
    field.SetSignature(*signer.GetSignatureBeacon());
    field.GetSignatureObject()->GetDictionary().AddKey(PdfName("SubFilter"),
                                                       PdfName("ETSI.CAdES.detached"));
    doc.WriteUpdate(&signer, true);
    if (!signer.HasSignaturePosition()) {
      return absl::InternalError("PoDoFo wrote no signature placeholder");
    }
    signer.AdjustByteRange();
    signer.Seek(0);
    BIO* data = BIO_new(BIO_s_mem());
    char chunk[65536];
    size_t n;
    while ((n = signer.ReadForSignature(chunk, sizeof chunk)) > 0) {
      BIO_write(data, chunk, static_cast<int>(n));
    }
    CMS_ContentInfo* cms = CMS_sign(keys_->cert, keys_->key, keys_->chain, data,
                                    CMS_DETACHED | CMS_BINARY | CMS_CADES);
    BIO_free(data);
    if (cms == nullptr) return absl::InternalError(OpenSslError("CMS_sign"));
    unsigned char* der = nullptr;
    int der_len = i2d_CMS_ContentInfo(cms, &der);
    CMS_ContentInfo_free(cms);
    if (der_len <= 0) return absl::InternalError(OpenSslError("i2d_CMS_ContentInfo"));
    if (static_cast<size_t>(der_len) > kSignatureBytes) {
      OPENSSL_free(der);
      return absl::InternalError(absl::StrCat("signature of ", der_len, " bytes exceeds the ",
                                              kSignatureBytes, " reserved: shorten the chain"));
    }
    signer.SetSignature(PdfData(reinterpret_cast<const char*>(der), der_len));
    OPENSSL_free(der);
    signer.Flush();
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PdfError& e) {
    return absl::InternalError(absl::StrCat("PoDoFo: ", PdfError::ErrorMessage(e.GetError())));
  }
}

absl::StatusOr<std::string> RenderSignedPermit(const PermitLetter& letter,
                                               const PermitSigner& signer) {
  LOKET_ASSIGN_OR_RETURN(std::string pdf, RenderPermitPdf(letter));
  return signer.Sign(pdf, absl::StrCat("Izin ", letter.permit_number), letter.office_name);
}

}  // namespace loket::permit
