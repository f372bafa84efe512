#include "server/server.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "base/error.hpp"
#include "server/file_body.hpp"
#include "server/handlers.hpp"
#include "server/request_parser.hpp"
#include "server/router.hpp"

namespace eisgrid::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

// Bytes asked of the socket per read; what a parser leaves unused stays
// buffered, and the parser bounds that (request_parser.hpp).
constexpr std::size_t k_read_bytes = 16 * 1024;

// What the handler threads and the sessions share: one pool for light
// requests and one, as large, for heavy ones (router.hpp's is_heavy), the
// connections open and the bytes of request bodies reserved, against their
// limits (app.hpp).
struct shared_state {
  app& a;
  net::thread_pool handlers;
  net::thread_pool heavy_handlers;
  std::atomic<unsigned> connections{0};
  std::atomic<std::uint64_t> body_bytes{0};
  explicit shared_state(app& app_ref)
      : a(app_ref), handlers(app_ref.cfg().handler_threads), heavy_handlers(app_ref.cfg().handler_threads) {}

  // Counts `bytes` of a body about to be read; false when they would take the
  // bodies in flight past the limit.
  bool reserve(std::uint64_t bytes) {
    auto now = body_bytes.load();
    do {
      if (now + bytes > a.cfg().body_memory_bytes) return false;
    } while (!body_bytes.compare_exchange_weak(now, now + bytes));
    return true;
  }
};

void log_request(const app& a, const std::string& method, std::string_view path, int status, std::uint64_t bytes,
                 clock_type::time_point start) {
  const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
  nlohmann::json line = {{"method", method}, {"path", path}, {"status", status}, {"bytes", bytes}, {"ms", std::round(ms * 1000) / 1000}};
  a.log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket&& socket, std::shared_ptr<shared_state> state)
      : stream_(std::move(socket)), idle_timer_(stream_.get_executor()), state_(std::move(state)) {
    ++state_->connections;
  }
  ~session() {
    release_body();
    --state_->connections;
  }
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void start() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&session::read_request, shared_from_this())); }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;  // received, not yet used by a parser
  std::optional<request_parser> parser_;
  net::steady_timer idle_timer_;
  std::shared_ptr<shared_state> state_;
  std::shared_ptr<void> message_;  // the response being written
  std::string method_, path_;
  clock_type::time_point start_;
  int status_ = 0;
  bool refused_ = false;        // the parser refused the request: linger before closing
  std::size_t lingered_ = 0;    // bytes dropped while lingering
  std::uint64_t reserved_ = 0;  // of shared_state::body_bytes, for this request's body

  // Between requests on a kept-alive connection: wait for the first byte
  // with no read in progress, closing after the idle timeout.
  void wait_idle() {
    if (buffer_.size() > 0) return read_request();
    idle_timer_.expires_after(state_->a.cfg().idle_timeout);
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->stream_.socket().close(ignored);
    });
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      self->idle_timer_.cancel();
      if (!ec && self->stream_.socket().is_open()) self->read_request();
    });
  }

  void read_request() {
    parser_.emplace();
    parser_->hold_at_header();
    stream_.expires_after(state_->a.cfg().request_read_timeout);
    parse_buffered();
  }

  // Hands the parser what has arrived; reads more until it is done or refuses.
  void parse_buffered() {
    const auto data = buffer_.cdata();
    buffer_.consume(parser_->feed(std::string_view(static_cast<const char*>(data.data()), data.size())));
    if (parser_->failure() || parser_->done()) return on_request();
    if (parser_->held()) return on_header();
    stream_.async_read_some(buffer_.prepare(k_read_bytes), beast::bind_front_handler(&session::on_read_some, shared_from_this()));
  }

  // The header is read and the body is not: the body's memory is reserved
  // (or the request refused, 503), and a write's credential checked against
  // the catalog on a handler thread (or refused, 401), before a byte of it is read.
  void on_header() {
    const auto& req = parser_->get();
    if (!state_->reserve(parser_->announced_body_bytes())) {
      start_ = clock_type::now();
      method_ = req.method;
      path_ = std::string(req.raw_path());
      auto r = json_error(503, "the server is receiving too many request bodies at once (at most " +
                                   limit_text(state_->a.cfg().body_memory_bytes) + " together); try again in a moment");
      r.set("Retry-After", "1");
      return write(std::move(r), false, false);
    }
    reserved_ = parser_->announced_body_bytes();
    if (!needs_credentials(req.method, req.target)) return read_body();
    request head;
    head.method = req.method;
    head.target = req.target;
    head.headers = req.headers;
    net::post(state_->handlers, [self = shared_from_this(), req = std::move(head)] {
      // Only a verdict on the credential refuses here; another failure (the
      // catalog unreachable) the handler meets again and reports.
      std::string refusal;
      try {
        auto lease = self->state_->a.catalogs().acquire();
        (void)authenticate(req, self->state_->a, *lease);
      } catch (const error& e) {
        if (e.kind() == error_kind::unauthorized) refusal = e.what();
      } catch (const std::exception&) {
        // Not about the credential: for the handler to report.
      }
      net::post(self->stream_.get_executor(), [self, refusal = std::move(refusal)] {
        if (refusal.empty()) return self->read_body();
        self->start_ = clock_type::now();
        self->method_ = self->parser_->get().method;
        self->path_ = std::string(self->parser_->get().raw_path());
        auto r = json_error(401, refusal);
        r.set("WWW-Authenticate", "Bearer");
        self->write(std::move(r), false, false);
      });
    });
  }

  void read_body() {
    parser_->release_header();
    parse_buffered();
  }

  void release_body() {
    state_->body_bytes -= reserved_;
    reserved_ = 0;
  }

  void on_read_some(beast::error_code ec, std::size_t n) {
    buffer_.commit(n);
    // The client left (or timed out) before finishing a request: nobody to answer.
    if (ec) return close();
    parse_buffered();
  }

  void on_request() {
    start_ = clock_type::now();
    if (const auto* failure = parser_->failure()) {
      method_ = parser_->get().method;
      path_ = std::string(parser_->get().raw_path());
      return send_error(failure->status, failure->message);
    }
    stream_.expires_never();
    const bool keep_alive = parser_->keep_alive();
    request req = parser_->take();
    parser_.reset();
    method_ = req.method;
    path_ = std::string(req.raw_path());
    if (is_quick(req)) return write(route(req, state_->a), keep_alive, false);
    auto& pool = is_heavy(req) ? state_->heavy_handlers : state_->handlers;
    net::post(pool, [self = shared_from_this(), req = std::move(req), keep_alive]() mutable {
      auto res = std::make_shared<response>(route(req, self->state_->a));
      net::post(self->stream_.get_executor(),
                [self, res, keep_alive, head = req.method == "HEAD"] { self->write(std::move(*res), keep_alive, head); });
    });
  }

  void send_error(int status, const std::string& message) {
    refused_ = true;
    write(json_error(status, message), false, false);
  }

  template <class Body>
  void fill(http::response<Body>& m, const response& r, bool keep_alive) {
    for (const auto& [name, value] : r.headers) m.set(name, value);
    m.set(http::field::server, "eisgrid");
    m.keep_alive(keep_alive);
  }

  void write(response r, bool keep_alive, bool head) {
    release_body();  // the request, and so its body, is gone
    status_ = r.status;
    const std::uint64_t bytes = r.body_size();
    const auto status = static_cast<http::status>(r.status);
    const bool no_body = r.status == 204 || r.status == 304;
    stream_.expires_after(k_write_timeout + std::chrono::seconds(bytes >> 20));
    if (head || no_body) {
      auto m = std::make_shared<http::response<http::empty_body>>(status, 11);
      fill(*m, r, keep_alive);
      if (!no_body) m->content_length(bytes);
      message_ = m;
      http::async_write(stream_, *m, beast::bind_front_handler(&session::on_write, shared_from_this(), keep_alive, std::uint64_t{0}));
    } else if (r.file) {
      auto m = std::make_shared<http::response<file_range_body>>(status, 11);
      fill(*m, r, keep_alive);
      m->body() = *r.file;
      m->prepare_payload();
      message_ = m;
      http::async_write(stream_, *m, beast::bind_front_handler(&session::on_write, shared_from_this(), keep_alive, bytes));
    } else {
      auto m = std::make_shared<http::response<http::string_body>>(status, 11);
      fill(*m, r, keep_alive);
      m->body() = std::move(r.body);
      m->prepare_payload();
      message_ = m;
      http::async_write(stream_, *m, beast::bind_front_handler(&session::on_write, shared_from_this(), keep_alive, bytes));
    }
  }

  void on_write(bool keep_alive, std::uint64_t bytes, beast::error_code ec, std::size_t) {
    log_request(state_->a, method_, path_, status_, ec ? 0 : bytes, start_);
    message_.reset();
    if (!ec && refused_) return linger();
    if (ec || !keep_alive) return close();
    stream_.expires_never();
    wait_idle();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  // The reply is out; the shutdown tells the client that nothing more comes,
  // and what it still sends is dropped until it stops, k_linger_timeout
  // passes or k_max_linger_bytes arrive (server.hpp says why).
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(k_linger_timeout);
    drop_incoming();
  }

  void drop_incoming() {
    stream_.async_read_some(buffer_.prepare(k_read_bytes), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->lingered_ += n;
      if (ec || self->lingered_ > k_max_linger_bytes) return self->close();
      self->drop_incoming();
    });
  }
};

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(net::io_context& ioc, tcp::acceptor& acceptor, std::shared_ptr<shared_state> state)
      : ioc_(ioc), acceptor_(acceptor), retry_(ioc), state_(std::move(state)) {}

  void accept() { acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&listener::on_accept, shared_from_this())); }

 private:
  net::io_context& ioc_;
  tcp::acceptor& acceptor_;
  net::steady_timer retry_;
  std::shared_ptr<shared_state> state_;

  // A connection past --max-connections: a 503 (a new socket's send buffer
  // takes it whole without blocking) and closed.
  void refuse(tcp::socket socket) {
    static const std::string k_busy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n"
        "Content-Length: 63\r\n\r\n{\"status\": \"error\", \"message\": \"too many connections at once\"}\n";
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    (void)socket.write_some(net::buffer(k_busy), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or similar: back off briefly instead of spinning.
      state_->a.log(std::string("accept failed: ") + ec.message());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([self = shared_from_this()](beast::error_code) { self->accept(); });
      return;
    }
    if (state_->connections.load() >= state_->a.cfg().max_connections) {
      refuse(std::move(socket));
    } else {
      std::make_shared<session>(std::move(socket), state_)->start();
    }
    accept();
  }
};

}  // namespace

void serve(app& a) {
  net::io_context ioc{1};
  beast::error_code ec;
  const auto address = net::ip::make_address(a.cfg().host, ec);
  if (ec) throw error(error_kind::usage, "--host: '" + a.cfg().host + "' is not an IP address");
  tcp::acceptor acceptor(ioc);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(a.cfg().port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw error(error_kind::io, "cannot listen on " + a.cfg().host + ":" + std::to_string(a.cfg().port) + ": " + ec.message());

  auto state = std::make_shared<shared_state>(a);
  std::make_shared<listener>(ioc, acceptor, state)->accept();
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    acceptor.close();
    ioc.stop();
  });
  std::printf("eisgrid: serving on http://%s:%d\n", a.cfg().host.c_str(), acceptor.local_endpoint().port());
  std::fflush(stdout);
  ioc.run();
  for (auto* pool : {&state->handlers, &state->heavy_handlers}) {
    pool->stop();
    pool->join();
  }
}

}  // namespace eisgrid::server
