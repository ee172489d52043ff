// A permit number as a person types it from paper: "0002/sip_perawat / dpmptsp-bpp/2026" is
// "0002/SIP_PERAWAT/DPMPTSP-BPP/2026" (FormatPermitNumber, case.h, writes only upper-case letters,
// digits, '/', '_' and '-', and no spaces).
#ifndef LOKET_SERVER_DOMAIN_PERMIT_NUMBER_H_
#define LOKET_SERVER_DOMAIN_PERMIT_NUMBER_H_

#include <string>
#include <string_view>

namespace loket::domain {

// Drops ASCII white space and upper-cases ASCII letters; anything else is kept as typed.
std::string NormalizePermitNumber(std::string_view typed);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_PERMIT_NUMBER_H_
