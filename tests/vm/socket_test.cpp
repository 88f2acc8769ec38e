// socket_test.cpp: TCP and UDP sockets inside the VM (loopback, IPv4 and IPv6) and their edge
// cases (refused connect, SO_ERROR, non-blocking accept, reset peer, half-close), on 1 and 4 CPUs
// and with glibc and musl.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <tuple>

namespace vm {
namespace {

// (variant, --smp)
class Sockets : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(Sockets, LoopbackTcpUdpAndEdgeCases) {
    auto [variant, smp] = GetParam();
    RunResult r = run_ops({"run", "--smp", smp, app("sockets-" + variant)});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"ok tcp_connect",
                                                   "ok tcp_names",
                                                   "ok tcp_echo_1MiB",
                                                   "ok tcp_peek_fionread",
                                                   "ok tcp_writev_readv",
                                                   "ok tcp_eof_after_half_close",
                                                   "ok tcp_write_after_shutdown_epipe",
                                                   "ok tcp_connect_refused",
                                                   "ok tcp_connect_nonblocking_einprogress",
                                                   "ok tcp_so_error_refused",
                                                   "ok tcp_so_error_cleared",
                                                   "ok tcp_accept_eagain",
                                                   "ok tcp_maxseg_bounds",
                                                   "ok tcp_maxseg_applies",
                                                   "ok tcp_accept4_flags",
                                                   "ok tcp_read_nonblocking_eagain",
                                                   "ok tcp_epoll_in",
                                                   "ok tcp_reset_peer",
                                                   "ok udp_sendto_recvfrom",
                                                   "ok udp_msg_trunc",
                                                   "ok udp_recvmsg",
                                                   "ok udp_recvmmsg_timeout",
                                                   "ok udp_nothing_eagain",
                                                   "ok ipv6_dual_stack_listen",
                                                   "ok ipv6_v4_mapped_peer",
                                                   "ok ipv6_loopback",
                                                   "sockets: 0 failures"}))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, Sockets,
                         ::testing::Combine(::testing::Values("static", "musl"),
                                            ::testing::Values("1", "4")),
                         [](const auto& info) {
                             return std::get<0>(info.param) + "_smp" + std::get<1>(info.param);
                         });

} // namespace
} // namespace vm
