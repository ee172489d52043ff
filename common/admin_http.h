// The admin HTTP port every Loket process may serve (loketd and the workers' --admin_listen):
// GET /metrics in Prometheus' text format from the given collectables (a prometheus::Registry is
// one), and any extra GET paths with their own handler (loketd's /healthz). Built on civetweb, the
// server prometheus-cpp's Exposer uses, because the Exposer cannot serve a path of our own or
// answer with a status other than 200.
//
// Thread-safe: handlers run on the server's threads (two), so they must be too.
#ifndef LOKET_COMMON_ADMIN_HTTP_H_
#define LOKET_COMMON_ADMIN_HTTP_H_

#include <prometheus/collectable.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

class CivetServer;
class CivetHandler;

namespace loket {

struct AdminHttpResponse {
  int code = 200;
  std::string body;  // sent as text/plain
};

using AdminHttpHandler = std::function<AdminHttpResponse()>;

class AdminHttpServer {
 public:
  // Listens on `listen` ("127.0.0.1:7401"; port 0 picks a free one). INVALID_ARGUMENT when it
  // cannot bind. `handlers` maps exact paths ("/healthz") to their handler.
  static absl::StatusOr<std::unique_ptr<AdminHttpServer>> Start(
      const std::string& listen, std::vector<std::shared_ptr<prometheus::Collectable>> metrics,
      std::map<std::string, AdminHttpHandler> handlers = {});
  ~AdminHttpServer();

  // The port it listens on.
  int port() const { return port_; }

 private:
  AdminHttpServer() = default;

  std::vector<std::unique_ptr<CivetHandler>> handlers_;  // outlive server_ (declared first)
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

}  // namespace loket

#endif  // LOKET_COMMON_ADMIN_HTTP_H_
