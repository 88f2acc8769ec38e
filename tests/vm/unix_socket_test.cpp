// unix_socket_test.cpp: AF_UNIX sockets (pairs, names, connect/accept, SCM_RIGHTS, readiness)
// and NETLINK_ROUTE (a link dump, getifaddrs with en1's DHCP address) inside the VM, on 1 and 4
// CPUs with glibc and musl; Go's net.Interfaces() over the same netlink answers.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <tuple>

namespace vm {
namespace {

// (variant, --smp)
class UnixSockets : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(UnixSockets, PairsNamesRightsReadinessAndNetlink) {
    auto [variant, smp] = GetParam();
    RunResult r =
        run_ops({"run", "--smp", smp, app("unix_sockets-" + variant), "-a", "--expect-en1"});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"ok pair_stream",
                                                   "ok pair_unnamed_names",
                                                   "ok peercred",
                                                   "ok stream_fionread",
                                                   "ok stream_peek",
                                                   "ok stream_shutdown_eof",
                                                   "ok stream_shutdown_epipe",
                                                   "ok stream_shutdown_other_way",
                                                   "ok stream_closed_peer_pollhup",
                                                   "ok stream_closed_peer_epipe",
                                                   "ok pair_dgram",
                                                   "ok dgram_empty_eagain",
                                                   "ok dgram_msg_trunc",
                                                   "ok pair_seqpacket",
                                                   "ok seqpacket_trunc",
                                                   "ok seqpacket_eof",
                                                   "ok socketpair_inet_eopnotsupp",
                                                   "ok bind_path",
                                                   "ok bind_path_getsockname",
                                                   "ok bind_path_eaddrinuse",
                                                   "ok connect_not_listening_refused",
                                                   "ok listen",
                                                   "ok connect_path",
                                                   "ok connect_getpeername",
                                                   "ok stream_echo_1MiB",
                                                   "ok accept_unnamed_peer",
                                                   "ok accepted_getsockname",
                                                   "ok accept_nonblocking_eagain",
                                                   "ok epoll_listener_idle",
                                                   "ok epoll_listener_ready",
                                                   "ok accept_after_epoll",
                                                   "ok bind_abstract",
                                                   "ok abstract_getsockname",
                                                   "ok connect_backlog_full_eagain",
                                                   "ok connect_abstract_gone_refused",
                                                   "ok connect_missing_path_enoent",
                                                   "ok autobind",
                                                   "ok dgram_sender_address",
                                                   "ok dgram_unnamed_sender",
                                                   "ok dgram_connect",
                                                   "ok dgram_peer_closed_refused",
                                                   "ok scm_rights_stream",
                                                   "ok scm_rights_dgram",
                                                   "ok scm_rights_ctrunc",
                                                   "ok scm_rights_ebadf",
                                                   "ok scm_rights_peek",
                                                   "ok scm_rights_two_fds_end_read",
                                                   "ok so_passcred",
                                                   "ok listen_unbound_einval",
                                                   "ok bind_twice_einval",
                                                   "ok accept_not_listening_einval",
                                                   "ok dgram_listen_eopnotsupp",
                                                   "ok dgram_send_unconnected_enotconn",
                                                   "ok dgram_connected_elsewhere_eperm",
                                                   "ok close_unread_econnreset",
                                                   "ok seqpacket_accept",
                                                   "ok socketpair_efault",
                                                   "ok poll_idle",
                                                   "ok poll_readable",
                                                   "ok stream_full_eagain",
                                                   "ok epoll_not_writable_when_full",
                                                   "ok epoll_writable_after_drain",
                                                   "ok netlink_bind",
                                                   "ok netlink_getlink_dump",
                                                   "ok netlink_unknown_eopnotsupp",
                                                   "ok getifaddrs_lo",
                                                   "ok getifaddrs_en1",
                                                   "ok if_nametoindex_lo",
                                                   "unix_sockets: 0 failures"}))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, UnixSockets,
                         ::testing::Combine(::testing::Values("static", "musl"),
                                            ::testing::Values("1", "4")),
                         [](const auto& info) {
                             return std::get<0>(info.param) + "_smp" + std::get<1>(info.param);
                         });

TEST(GoInterfaces, ListsLoopbackAndEn1WithItsDhcpAddress) {
    RunResult r = run_ops({"run", app("go-interfaces")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(
        has_lines_in_order(r.out_lines(), {"interface 1 lo mtu 65536 flags up|loopback",
                                           "address lo 127.0.0.1/8", "address lo ::1/128",
                                           "interface 2 en1 mtu 1500 flags up|broadcast|multicast",
                                           "address en1 10.0.2.15/24", "interfaces: ok"}))
        << r.describe();
}

} // namespace
} // namespace vm
