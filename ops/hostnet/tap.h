// tap.h: the host side of a bridged guest: a tap device for QEMU's -netdev tap, optionally
// attached to a bridge, both created with iproute2 when missing. Only what ops created (or
// attached) is undone, and only when nothing else still uses the bridge. HostTap owns one such
// set-up for an `ops run` (RAII: removed on exit, error or ^C); an instance keeps it (release)
// and tears it down when deleted (tear_down_tap).
#pragma once

#include "ops/hostnet/command_runner.h"

#include <functional>
#include <string>

namespace ops {

// What set_up_tap found and did; instances record it so delete undoes exactly this.
struct TapSetup {
    std::string tap;
    std::string bridge;          // empty: the tap is not attached to a bridge
    bool created_tap = false;    // ip tuntap add
    bool created_bridge = false; // ip link add type bridge
    bool attached_tap = false;   // an existing tap was put into the bridge by ops
    bool operator==(const TapSetup&) const = default;
};

// The host operations behind taps; real() uses ip, /dev/net/tun and the process capabilities.
struct TapHost {
    CommandRunner run = run_command;
    std::function<bool()> has_net_admin; // root or CAP_NET_ADMIN in the effective set
    std::function<bool()> tun_available; // /dev/net/tun exists
    static TapHost real();
};

// Creates the tap `tap` unless it exists, and when `bridge` is not empty the bridge unless it
// exists, brings both up and puts the tap into the bridge. Undoes its own steps when one fails.
// May block up to kCommandTimeout per ip command. Throws ops::Error: no /dev/net/tun, something
// to create without root/CAP_NET_ADMIN, the tap already in another bridge, or an ip command
// failed (its output is quoted).
// `bridge_address` ("A.B.C.D/N", checked) is given to the bridge when ops creates it.
TapSetup set_up_tap(const std::string& tap, const std::string& bridge, const TapHost& host,
                    const std::string& bridge_address = "");

// Undoes what `setup` says ops did: deletes a created tap (or detaches an attached one), then a
// created bridge if no other interface is left in it. Never throws; returns the failures as
// one line each ("" when everything was undone).
std::string tear_down_tap(const TapSetup& setup, const TapHost& host);

// One run's tap: set up on construction, torn down on destruction (a failure is printed on
// stderr as a warning) unless released.
class HostTap {
  public:
    HostTap(const std::string& tap, const std::string& bridge,
            const std::string& bridge_address = "", TapHost host = TapHost::real());
    ~HostTap();
    HostTap(const HostTap&) = delete;
    HostTap& operator=(const HostTap&) = delete;

    const TapSetup& setup() const { return m_setup; }
    // The host keeps everything; the caller is now responsible for tear_down_tap.
    TapSetup release();

  private:
    TapHost m_host;
    TapSetup m_setup;
    bool m_released = false;
};

// The tap name `ops run --bridged` uses without --tapname: unique per ops process.
std::string default_tap_name();

} // namespace ops
