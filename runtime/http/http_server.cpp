// http_server over cpp-httplib (the only file that includes httplib.h).
#include "runtime/http/http_server.hpp"

#include <exception>
#include <filesystem>
#include <regex>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include "runtime/http/http_errc.hpp"

namespace smith::http {

/// httplib's server, plus closing a socket that was bound but never served (httplib's
/// stop() only closes a listening one).
struct http_bound_server : httplib::Server {
  void close_unserved() {
    auto sock = svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET)
      ::close(sock);
  }
};

struct http_server::impl {
  http_bound_server server;
  std::thread listener;
  bool serving = false;
};

namespace {

http_request http_to_request(const httplib::Request& req) {
  http_request out;
  out.method = req.method;
  out.path = req.path;
  for (auto& m : req.matches)
    out.matches.push_back(m.str());
  out.params.insert(req.params.begin(), req.params.end());
  out.headers.insert(req.headers.begin(), req.headers.end());
  out.body = req.body;
  return out;
}

/// Runs `handler` on `req` into `res`; an exception becomes a 500 naming it.
void http_run_handler(const http_handler& handler, const httplib::Request& req,
                      httplib::Response& res) {
  http_response out;
  try {
    out = handler(http_to_request(req));
  } catch (const std::exception& e) {
    out = http_response::text(500, std::string{"internal error: "} + e.what() + "\n");
  } catch (...) {
    out = http_response::text(500, "internal error\n");
  }
  res.status = out.status;
  for (auto& [key, value] : out.headers)
    res.set_header(key, value);
  res.set_content(std::move(out.body), out.content_type.c_str());
}

caf::error http_install(httplib::Server& server, const route_table& routes) {
  for (auto& r : routes.routes()) {
    try {
      std::regex check{r.pattern};
    } catch (const std::regex_error& e) {
      return make_http_error(http_errc::invalid_route,
                             "route " + r.method + " '" + r.pattern + "': " + e.what());
    }
    auto fn = [h = r.handler](const httplib::Request& req, httplib::Response& res) {
      http_run_handler(h, req, res);
    };
    if (r.method == "POST")
      server.Post(r.pattern, fn);
    else
      server.Get(r.pattern, fn);
  }
  for (auto& m : routes.mounts())
    if (!std::filesystem::is_directory(m.dir) || !server.set_mount_point(m.prefix, m.dir))
      return make_http_error(http_errc::invalid_route,
                             "mount '" + m.prefix + "': '" + m.dir + "' is not a directory");
  return {};
}

} // namespace

http_server::http_server(std::unique_ptr<impl> p, std::string host, uint16_t port)
  : impl_(std::move(p)), host_(std::move(host)), port_(port) {
  // nop
}

caf::expected<std::unique_ptr<http_server>> http_server::bind(const std::string& host,
                                                              uint16_t port, uint32_t threads) {
  auto p = std::make_unique<impl>();
  auto n = std::max<uint32_t>(threads, 1);
  p->server.new_task_queue = [n] { return new httplib::ThreadPool(n); };
  // httplib's default also sets SO_REUSEPORT, which lets a second server bind the same port
  // and take half of its connections: only SO_REUSEADDR (restart while in TIME_WAIT).
  p->server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  p->server.set_keep_alive_timeout(2);
  p->server.set_read_timeout(std::chrono::seconds{5});
  p->server.set_write_timeout(std::chrono::seconds{5});
  p->server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty())
      res.set_content("no such resource: " + req.method + " " + req.path + "\n",
                      "text/plain; charset=utf-8");
  });
  auto shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  int bound = port;
  if (port == 0)
    bound = p->server.bind_to_any_port(host);
  else if (!p->server.bind_to_port(host, port))
    bound = -1;
  if (bound <= 0)
    return make_http_error(http_errc::bind_failed,
                           "cannot listen on " + shown + ":" + std::to_string(port)
                             + " (address in use or not local)");
  return std::unique_ptr<http_server>{
    new http_server(std::move(p), host, static_cast<uint16_t>(bound))};
}

http_server::~http_server() {
  stop();
}

caf::error http_server::serve(const route_table& routes) {
  if (impl_->serving)
    return make_http_error(http_errc::already_serving, "the server at " + address()
                                                         + " already serves its routes");
  if (auto err = http_install(impl_->server, routes))
    return err;
  impl_->serving = true;
  impl_->listener = std::thread{[p = impl_.get()] { p->server.listen_after_bind(); }};
  // stop() is a no-op until the listener runs: wait for it, so that a stop() right after
  // serve() cannot miss it (it is running within microseconds).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
  while (!impl_->server.is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  return {};
}

void http_server::stop() {
  if (!impl_)
    return;
  if (!impl_->serving) {
    impl_->server.close_unserved();
    return;
  }
  impl_->server.stop();
  if (impl_->listener.joinable())
    impl_->listener.join();
}

std::string http_server::address() const {
  auto shown = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
  return shown + ":" + std::to_string(port_);
}

caf::expected<http_reply> http_get(const std::string& host, uint16_t port,
                                   const std::string& path, std::chrono::milliseconds timeout) {
  httplib::Client client{host, port};
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  auto res = client.Get(path);
  auto url = "http://" + host + ":" + std::to_string(port) + path;
  if (!res)
    return make_http_error(http_errc::request_failed,
                           "GET " + url + ": " + httplib::to_string(res.error()));
  return http_reply{res->status, res->get_header_value("Content-Type"), res->body};
}

} // namespace smith::http
