// A demo CA and an office signing certificate made with openssl in a temporary directory, for
// tests whose loketd signs permits (issue 13); and an NSS database trusting the CA, for pdfsig.
#ifndef LOKET_TESTS_INTEGRATION_PERMIT_KEYS_H_
#define LOKET_TESTS_INTEGRATION_PERMIT_KEYS_H_

#include <stdlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "server/api/server.h"

namespace loket::itest {

// Runs `cmd` with sh; returns its stdout and stderr together.
inline std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return "popen failed";
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

struct PermitKeys {
  std::string dir;  // removed by Remove()
  std::string key, cert, ca, nssdb;
  std::string log;  // what openssl and certutil said, for a failed test's message
  bool ok() const {
    return std::filesystem::exists(cert) && std::filesystem::exists(nssdb + "/cert9.db");
  }
  void Remove() const {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

inline PermitKeys MakePermitKeys() {
  PermitKeys k;
  char tmpl[] = "/tmp/loket-permit-keys-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return k;
  k.dir = tmpl;
  k.key = k.dir + "/office.key";
  k.cert = k.dir + "/office.pem";
  k.ca = k.dir + "/ca.pem";
  k.nssdb = k.dir + "/nss";
  std::ofstream(k.dir + "/office.ext")
      << "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,nonRepudiation\n";
  const std::string d = k.dir;
  k.log = Shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                d + "/ca.key -out " + k.ca + " -days 30 -subj '/CN=Loket Test CA' && " +
                "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + k.key +
                " -out " + d + "/office.csr -subj '/CN=DPMPTSP Kota Balikpapan/O=Loket Test' && " +
                "openssl x509 -req -in " + d + "/office.csr -CA " + k.ca + " -CAkey " + d +
                "/ca.key -CAcreateserial -days 30 -extfile " + d + "/office.ext -out " + k.cert +
                " && " + "mkdir " + k.nssdb + " && certutil -N -d sql:" + k.nssdb +
                " --empty-password && " + "certutil -A -d sql:" + k.nssdb +
                " -n loket-test-ca -t CT,C,C -i " + k.ca);
  return k;
}

// loketd signs permits with `k` and prints the test office's official and verification page.
inline void UsePermitKeys(api::ServerOptions& o, const PermitKeys& k) {
  o.permit_key_file = k.key;
  o.permit_cert_file = k.cert;
  o.permit_letter.official_name = "Dra. Rina Kusuma";
  o.permit_letter.official_position = "Kepala DPMPTSP Kota Balikpapan";
  o.permit_letter.verify_url = "https://loket.test/#/verify";
}

}  // namespace loket::itest

#endif  // LOKET_TESTS_INTEGRATION_PERMIT_KEYS_H_
