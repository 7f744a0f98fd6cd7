#include "http/server.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include "base/thread_name.hpp"
#include "http/connection.hpp"
#include "http/protocol_sniffer.hpp"
#include "http/tls_context.hpp"

namespace renkei::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Tcp = asio::ip::tcp;

constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

}  // namespace

struct Server::Impl {
  // Member order is destruction order in reverse: workers (and the connections their
  // io_contexts still hold) go before the state those connections point to.
  ServerState state;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  // Lives on workers[0]'s io_context; only touched from that thread while running.
  std::unique_ptr<asio::basic_socket_acceptor<Tcp, Executor>> acceptor;
  std::unique_ptr<Timer> accept_retry;  // same thread as the acceptor
  std::size_t next_worker = 0;          // acceptor thread only
  std::uint16_t bound_port = 0;
  bool running = false;

  void Accept();
  void RunWorker(Worker& worker);
  void Log(std::string_view what, const beast::error_code& ec) const {
    if (state.logger) state.logger->error("msg=\"http {}\" error=\"{}\"", what, ec.message());
  }
};

void Server::Impl::Accept() {
  // The new socket is bound to the next worker's io_context, so the connection lives there
  // from the start (docs/adr/0002-threading-model.md).
  Worker& target = *workers[next_worker];
  next_worker = (next_worker + 1) % workers.size();
  acceptor->async_accept(target.io_context, [this, &target](beast::error_code ec, Socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
    if (!ec) {
      beast::error_code option_ec;
      // Responses are written in one gather write; Nagle would only delay them.
      socket.set_option(Tcp::no_delay(true), option_ec);
      if (state.tls) {
        auto sniffer = std::make_shared<ProtocolSniffer>(state, target, std::move(socket));
        asio::post(target.io_context, [sniffer] { sniffer->Start(); });
      } else {
        auto connection =
            std::make_shared<PlainConnection>(state, target, std::move(socket), ConnectionSetup{});
        asio::post(target.io_context, [connection] { connection->Start(); });
      }
    } else {
      // Typically EMFILE. Retrying at once would spin on the same error; pause briefly,
      // since the descriptor shortage may pass as connections close.
      Log("accept", ec);
      accept_retry->expires_after(kAcceptRetryDelay);
      accept_retry->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor->is_open()) Accept();
      });
      return;
    }
    Accept();
  });
}

void Server::Impl::RunWorker(Worker& worker) {
  for (;;) {
    try {
      worker.io_context.run();
      return;
    } catch (const std::exception& e) {
      // Handlers catch what they expect; this keeps one surprise from killing the thread.
      if (state.logger) state.logger->error("msg=\"http worker caught\" error=\"{}\"", e.what());
    }
  }
}

Server::Server(ServerOptions options, Handler handler, std::shared_ptr<spdlog::logger> logger)
    : impl_(std::make_unique<Impl>()) {
  impl_->state.options = std::move(options);
  impl_->state.largest_body_bytes = impl_->state.options.max_body_bytes;
  for (const auto& [prefix, limit] : impl_->state.options.body_limits_by_prefix) {
    impl_->state.largest_body_bytes = std::max(impl_->state.largest_body_bytes, limit);
  }
  impl_->state.handler = std::move(handler);
  impl_->state.logger = std::move(logger);
}

Server::~Server() { Stop(); }

base::Result<void> Server::Start() {
  Impl& impl = *impl_;
  if (impl.running) {
    return base::Fail(base::ErrorCode::kInternalError, "AlreadyStarted",
                      "the HTTP server is already running");
  }
  // Leftovers of an earlier Start/Stop cycle.
  impl.accept_retry.reset();
  impl.acceptor.reset();
  impl.workers.clear();
  impl.state.stopping = false;
  impl.next_worker = 0;
  impl.state.tls.reset();
  if (impl.state.options.tls) {
    auto slot = std::make_unique<TlsContextSlot>(*impl.state.options.tls);
    RENKEI_TRY_VOID(slot->Load());
    impl.state.tls = std::move(slot);
  }

  unsigned count = impl.state.options.threads;
  if (count == 0) count = std::max(1U, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < count; ++i) impl.workers.push_back(std::make_unique<Worker>());

  const auto fail = [&impl](std::string detail, const beast::error_code& ec) {
    impl.accept_retry.reset();
    impl.acceptor.reset();
    impl.workers.clear();
    return base::Fail(base::ErrorCode::kInternalError, "ListenFailed",
                      detail + ": " + ec.message());
  };
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl.state.options.address, ec);
  if (ec) return fail("invalid listen address '" + impl.state.options.address + "'", ec);
  const Tcp::endpoint endpoint(address, impl.state.options.port);
  const std::string where =
      impl.state.options.address + ":" + std::to_string(impl.state.options.port);

  impl.acceptor = std::make_unique<asio::basic_socket_acceptor<Tcp, Executor>>(
      impl.workers.front()->io_context.get_executor());
  impl.accept_retry = std::make_unique<Timer>(impl.workers.front()->io_context.get_executor());
  impl.acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open a socket for " + where, ec);
  // Lets a restarted server bind while old connections sit in TIME_WAIT; a port with a
  // live listener still fails with EADDRINUSE.
  impl.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR on " + where, ec);
  impl.acceptor->bind(endpoint, ec);
  if (ec) return fail("cannot bind " + where, ec);
  impl.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on " + where, ec);
  impl.bound_port = impl.acceptor->local_endpoint(ec).port();
  if (ec) return fail("cannot read the bound port of " + where, ec);

  impl.Accept();
  try {
    for (auto& worker : impl.workers) {
      impl.threads.emplace_back([&impl, &worker = *worker] {
        base::NameThisThread("renkei-http");
        impl.RunWorker(worker);
      });
    }
  } catch (const std::system_error& e) {
    impl.running = true;  // let Stop() unwind the threads that did start
    Stop(std::chrono::milliseconds(0));
    return base::Fail(base::ErrorCode::kInternalError, "ThreadStartFailed", e.what());
  }
  impl.running = true;
  if (impl.state.logger) {
    impl.state.logger->info("msg=\"http listening\" address={} port={} threads={} tls={}",
                            impl.state.options.address, impl.bound_port, count,
                            !impl.state.tls                      ? "off"
                            : impl.state.tls->options().required ? "required"
                                                                 : "optional");
  }
  return base::Ok();
}

std::uint16_t Server::port() const { return impl_->bound_port; }

base::Result<void> Server::ReloadTls() {
  // The slot lives from Start to the next Start; Reload is not called concurrently with those
  // (the controlling thread's contract), while workers read it concurrently under its lock.
  if (!impl_->state.tls) {
    return base::Fail(base::ErrorCode::kInvalidRequest, "TlsNotConfigured",
                      "the server has no TLS certificate configured");
  }
  RENKEI_TRY_VOID(impl_->state.tls->Load());
  if (impl_->state.logger) {
    impl_->state.logger->info("msg=\"tls certificate reloaded\" cert_file=\"{}\"",
                              impl_->state.tls->options().cert_file);
  }
  return base::Ok();
}

void Server::Stop(std::chrono::milliseconds grace) {
  Impl& impl = *impl_;
  if (!impl.running) return;
  impl.running = false;
  impl.state.stopping = true;

  // 1. No new connections; idle ones go now, busy ones after their response.
  asio::post(impl.acceptor->get_executor(), [&impl] {
    beast::error_code ec;
    impl.acceptor->close(ec);
    impl.accept_retry->cancel();
  });
  for (auto& worker : impl.workers) {
    asio::post(worker->io_context, [&w = *worker] { w.CloseConnections(/*only_idle=*/true); });
  }

  // 2. Wait for the requests the application still holds, up to the grace period.
  {
    std::unique_lock lock(impl.state.in_flight_mu);
    impl.state.in_flight_cv.wait_for(lock, grace,
                                     [&impl] { return impl.state.in_flight.load() == 0; });
  }

  // 3. Close everything. With the acceptor, sockets and timers closed, each io_context
  // runs out of work and its thread returns; Responders still held by the application
  // then only queue work that is destroyed with the io_context.
  for (auto& worker : impl.workers) {
    asio::post(worker->io_context, [&w = *worker] { w.CloseConnections(/*only_idle=*/false); });
    worker->work.reset();
  }
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
  impl.accept_retry.reset();
  impl.acceptor.reset();
}

}  // namespace renkei::http
