// What every mutating call carries into the store: who, from where, and its request_id.
#ifndef LOKET_SERVER_STORE_MUTATION_H_
#define LOKET_SERVER_STORE_MUTATION_H_

#include <string>

#include "server/domain/principal.h"

namespace loket::store {

struct Mutation {
  std::string request_id;  // client-generated UUID; a repeat replays the first response
  std::string method;  // e.g. "CaseService.Approve"; a request_id reused for another method fails
  domain::Principal actor;
  std::string terminal;  // where the call came from, for the audit log
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_MUTATION_H_
