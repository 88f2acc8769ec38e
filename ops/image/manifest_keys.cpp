// manifest_keys.cpp: Config -> root-tuple keys, the static network keys included. Every value is
// a string, vector or tuple, as the established ops writes them (manifest.md 1).
#include "ops/image/manifest_keys.h"

#include "common/manifest/manifest.h"
#include "ops/base/error.h"
#include "ops/config/network_config.h"

#include <map>

namespace ops {

namespace {

// The per-interface keys at the root, which the kernel reads for en1 (manifest.md 4).
constexpr char kKeyIpAddress[] = "ipaddr";
constexpr char kKeyNetmask[] = "netmask";
constexpr char kKeyGateway[] = "gateway";
constexpr char kKeyIp6Address[] = "ip6addr";

common::Bytes bytes_of(const std::string& text) {
    return common::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

class KeyWriter {
public:
    explicit KeyWriter(ImageTree& tree) : m_tree(tree), m_values(tree.builder().tree()) {}

    tfs::Value* string(const std::string& text) {
        return checked(m_values.make_string(bytes_of(text)));
    }
    tfs::Value* vector(const std::vector<std::string>& items) {
        tfs::Value* vector = checked(m_values.make_vector());
        for (const std::string& item : items)
            check_tfs(m_values.vector_append(vector, string(item)), "building the manifest");
        return vector;
    }
    tfs::Value* tuple(const std::map<std::string, std::string>& entries) {
        tfs::Value* tuple = checked(m_values.make_tuple());
        for (const auto& [name, value] : entries)
            set(tuple, name, string(value));
        return tuple;
    }
    // ManifestPassthrough values are already strings, vectors and tuples (config.h).
    tfs::Value* passthrough(const ManifestValue& value) {
        switch (value.kind) {
        case ManifestValue::Kind::String:
            return string(value.string);
        case ManifestValue::Kind::Vector: {
            tfs::Value* vector = checked(m_values.make_vector());
            for (const ManifestValue& item : value.vector)
                check_tfs(m_values.vector_append(vector, passthrough(item)),
                          "building the manifest");
            return vector;
        }
        case ManifestValue::Kind::Tuple: {
            tfs::Value* tuple = checked(m_values.make_tuple());
            for (const auto& [name, item] : value.tuple)
                set(tuple, name, passthrough(item));
            return tuple;
        }
        }
        return string(value.string);
    }

    void set(tfs::Value* tuple, const std::string& name, tfs::Value* value) {
        if (name.empty())
            throw Error("the manifest key name is empty", "remove the empty key from "
                                                          "ManifestPassthrough or Env");
        check_tfs(m_tree.builder().set_attribute(tuple, bytes_of(name), value),
                  "setting the manifest key " + name);
    }
    void set_root(const std::string& name, tfs::Value* value) { set(m_tree.root(), name, value); }

private:
    static tfs::Value* checked(tfs::Value* value) {
        if (!value)
            check_tfs(tfs::Error::no_memory, "building the manifest");
        return value;
    }

    ImageTree& m_tree;
    tfs::Tree& m_values;
};

} // namespace

void set_manifest_keys(ImageTree& tree, const Config& config, const std::string& program_path,
                       const std::string& image_name) {
    KeyWriter keys(tree);
    keys.set_root(manifest::key::program, keys.string(program_path));

    // argv[0] is the program exactly as the user wrote it (e.g. "./myapp"), as in the
    // established ops.
    std::vector<std::string> arguments{config.program};
    arguments.insert(arguments.end(), config.args.begin(), config.args.end());
    keys.set_root(manifest::key::arguments, keys.vector(arguments));

    // ops's own variables first, so the user's Env can override them. NANOS_VERSION and
    // NANOS_ARCH are left out: this is not the Nanos kernel, and our kernel's uname does not
    // read them.
    std::map<std::string, std::string> environment{
        {"USER", "root"}, {"PWD", "/"}, {"OPS_VERSION", OPS_VERSION}, {"IMAGE_NAME", image_name}};
    // OPS_PORT as in the established ops when ports are forwarded, but with the guest's TCP
    // ports ("80,443"): that is what a program can listen on.
    std::string guest_ports;
    for (const PortForward& forward : port_forwards(config.run))
        if (forward.protocol == Protocol::Tcp)
            guest_ports += (guest_ports.empty() ? "" : ",") + std::to_string(forward.guest);
    if (!guest_ports.empty())
        environment["OPS_PORT"] = guest_ports;
    for (const auto& [name, value] : config.env)
        environment[name] = value;
    keys.set_root(manifest::key::environment, keys.tuple(environment));

    if (config.reboot_on_exit)
        keys.set_root(manifest::key::reboot_on_exit, keys.string(manifest::kFlagOn));
    for (const std::string& flag : config.debug_flags)
        keys.set_root(flag, keys.string(manifest::kFlagOn));
    if (!config.no_trace.empty())
        keys.set_root(manifest::key::notrace, keys.vector(config.no_trace));

    // Static addresses: all four root-level keys (the legacy form the kernel applies to en1),
    // "" for the ones not given, exactly when an IPv4 or IPv6 address is given (manifest.md 4).
    // Without them the kernel uses DHCP.
    const RunConfig& run = config.run;
    if (!run.ip_address.empty() || !run.ipv6_address.empty()) {
        keys.set_root(kKeyIpAddress, keys.string(run.ip_address));
        keys.set_root(kKeyNetmask, keys.string(run.netmask));
        keys.set_root(kKeyGateway, keys.string(run.gateway));
        keys.set_root(kKeyIp6Address, keys.string(run.ipv6_address));
    }

    for (const auto& [name, value] : config.manifest_passthrough) {
        // The established ops lets this replace the whole file tree, which only makes an image
        // that cannot boot.
        if (name == manifest::key::children)
            throw Error("ManifestPassthrough cannot set \"children\" (the root directory)",
                        "use Files, Dirs or MapDirs to put files in the image");
        keys.set_root(name, keys.passthrough(value));
    }
}

} // namespace ops
