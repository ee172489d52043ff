#include "common/admin_http.h"

#include <CivetServer.h>
#include <prometheus/text_serializer.h>

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"

namespace loket {
namespace {

void Send(mg_connection* conn, int code, const std::string& content_type, const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            code, mg_get_response_code_text(conn, code), content_type.c_str(), body.size());
  mg_write(conn, body.data(), body.size());
}

class MetricsHandler final : public CivetHandler {
 public:
  explicit MetricsHandler(std::vector<std::shared_ptr<prometheus::Collectable>> metrics)
      : metrics_(std::move(metrics)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    std::vector<prometheus::MetricFamily> families;
    for (const auto& c : metrics_) {
      auto more = c->Collect();
      families.insert(families.end(), std::make_move_iterator(more.begin()),
                      std::make_move_iterator(more.end()));
    }
    Send(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
         prometheus::TextSerializer().Serialize(families));
    return true;
  }

 private:
  std::vector<std::shared_ptr<prometheus::Collectable>> metrics_;
};

class FunctionHandler final : public CivetHandler {
 public:
  explicit FunctionHandler(AdminHttpHandler f) : f_(std::move(f)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    AdminHttpResponse r = f_();
    Send(conn, r.code, "text/plain; charset=utf-8", r.body);
    return true;
  }

 private:
  AdminHttpHandler f_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<AdminHttpServer>> AdminHttpServer::Start(
    const std::string& listen, std::vector<std::shared_ptr<prometheus::Collectable>> metrics,
    std::map<std::string, AdminHttpHandler> handlers) {
  std::unique_ptr<AdminHttpServer> s(new AdminHttpServer());
  try {
    s->server_ = std::make_unique<CivetServer>(
        std::vector<std::string>{"listening_ports", listen, "num_threads", "2"});
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("--admin_listen=", listen, ": ", e.what()));
  }
  std::vector<int> ports = s->server_->getListeningPorts();
  if (ports.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--admin_listen=", listen, ": not listening"));
  }
  s->port_ = ports.front();
  // civetweb matches a path and what lies below it ("/metrics/x"): harmless here.
  s->handlers_.push_back(std::make_unique<MetricsHandler>(std::move(metrics)));
  s->server_->addHandler("/metrics", s->handlers_.back().get());
  for (auto& [path, f] : handlers) {
    s->handlers_.push_back(std::make_unique<FunctionHandler>(std::move(f)));
    s->server_->addHandler(path, s->handlers_.back().get());
  }
  return s;
}

AdminHttpServer::~AdminHttpServer() {
  if (server_) server_->close();  // stops the threads before the handlers go
}

}  // namespace loket
