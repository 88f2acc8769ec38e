// dependencies.cpp: the breadth-first DT_NEEDED walk over host ELF files, with ld.so's search
// order; the ELF parsing is common/elf (through elf_read.cpp), ld.so.conf is ld_so_conf.cpp.
#include "ops/image/dependencies.h"

#include "ops/base/error.h"
#include "ops/image/elf_read.h"
#include "ops/image/image_tree.h"
#include "ops/image/ld_so_conf.h"

#include <cctype>
#include <deque>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <system_error>

namespace ops {

namespace {

namespace fs = std::filesystem;
using common::elf::ElfErrorCode;

// Not in common/elf/elf_types.h: only this walk reads them.
constexpr std::int64_t kDtFlags1 = 0x6ffffffb;
constexpr std::uint64_t kDf1NoDefLib = 0x800;

// A place on the host: an image path, and where it is on the host. `host` is set only for paths
// relative to the program's own $ORIGIN, which lie next to the program on the host rather than
// below the sysroot; otherwise it is empty and the sysroot says where the image path is.
struct Place {
    std::string image;
    fs::path host;
};

struct SearchDirectory {
    Place place;
    // Named only by ld.so.conf (not a default directory): the guest's ld.so finds libraries
    // there through /etc/ld.so.cache, so that file must go in too.
    bool only_in_ld_so_conf = false;
};

// The program, its interpreter or a library, once loaded by the walk.
struct LoadedObject {
    std::string image_path; // where its bytes are in the image (after symlinks)
    Place origin;           // $ORIGIN
    std::vector<std::string> names; // what DT_NEEDED names match it: the names used, DT_SONAME
    std::vector<std::string> needed;
    std::optional<std::string> rpath; // unset when absent or overridden by DT_RUNPATH
    std::optional<std::string> runpath;
    bool nodeflib = false;
    int loader = -1; // the object that first needed it; -1 for the program and the interpreter
    dev_t device = 0;
    ino_t inode = 0;
};

// A file found by a lookup: the symlinks that led to it, the file itself, its ELF view.
struct Found {
    std::vector<ImageEntry> links;
    ImageEntry file;
    HostElf elf;
    dev_t device = 0;
    ino_t inode = 0;
};

enum class Lookup { found, absent, wrong_kind };

// Paths in RPATH, RUNPATH and LD_LIBRARY_PATH, empty elements included.
std::vector<std::string> split_path_list(const std::string& list, const char* separators) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find_first_of(separators, start);
        if (end == std::string::npos)
            end = list.size();
        parts.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

// The length of a $ORIGIN or ${ORIGIN} token at `at`, or 0.
std::size_t origin_token_at(const std::string& text, std::size_t at) {
    if (text.compare(at, 9, "${ORIGIN}") == 0)
        return 9;
    if (text.compare(at, 7, "$ORIGIN") != 0)
        return 0;
    bool name_goes_on = at + 7 < text.size() &&
                        (std::isalnum(static_cast<unsigned char>(text[at + 7])) || text[at + 7] == '_');
    return name_goes_on ? 0 : 7;
}

bool is_wrong_kind(ElfErrorCode code) {
    switch (code) {
    case ElfErrorCode::NotElf:
    case ElfErrorCode::TruncatedHeader:
    case ElfErrorCode::Elf32:
    case ElfErrorCode::BadClass:
    case ElfErrorCode::BigEndian:
    case ElfErrorCode::BadDataEncoding:
    case ElfErrorCode::NotX86_64:
    case ElfErrorCode::UnsupportedOsAbi:
        return true;
    default:
        return false;
    }
}

bool is_default_directory(const std::string& directory) {
    for (const char* candidate : kDefaultLibraryDirectories)
        if (directory == candidate)
            return true;
    return false;
}

std::string base_name(const std::string& image) {
    return image.substr(image.rfind('/') + 1);
}

class Resolver {
public:
    explicit Resolver(const DependencyRequest& request)
        : m_request(request), m_sysroot(request.sysroot),
          m_ld_so_conf(read_ld_so_conf(request.sysroot)) {
        // Nothing the walk finds may replace the program itself.
        m_entry_paths.insert(request.program_image);
    }

    Dependencies run();

private:
    void load_program();
    void load_interpreter(const std::string& interpreter);
    void walk();
    void add_needed(int needer, const std::string& name);
    void add_glibc_runtime();
    int add_object(const Found& found, int loader, const std::string& name, Place origin);
    int find_loaded(const std::string& name) const;
    int find_inode(const Found& found) const;

    std::optional<Found> search(int needer, const std::string& name, bool* needs_ld_so_cache);
    std::vector<SearchDirectory> search_path(int needer) const;
    void append_path_list(std::vector<SearchDirectory>& out, const std::string& list,
                          const char* separators, const LoadedObject& owner) const;
    std::optional<Place> place_of(const std::string& text, const LoadedObject& owner) const;
    fs::path host_of(const Place& place) const;
    Lookup look_up(Place place, const std::string& needer, Found* found) const;
    bool follow_links(Place place, Found* found) const;
    void add_entry(const ImageEntry& entry);
    void add_found_entries(const Found& found);
    void add_plain_file(const std::string& image);
    void note_missing(const std::string& name, const std::string& why);
    [[noreturn]] void fail_missing() const;

    const DependencyRequest& m_request;
    const Sysroot& m_sysroot;
    std::vector<std::string> m_ld_so_conf;
    std::vector<LoadedObject> m_objects; // [0] is the program
    std::deque<int> m_queue;             // objects whose DT_NEEDED are still to be walked
    std::vector<std::pair<std::string, std::string>> m_missing; // name, who needs it
    std::vector<ImageEntry> m_entries;
    std::set<std::string> m_entry_paths;
    bool m_needs_ld_so_cache = false;
};

Dependencies Resolver::run() {
    load_program();
    if (m_objects.empty())
        return {};
    walk();
    bool glibc = find_loaded("libc.so.6") >= 0;
    if (glibc)
        add_glibc_runtime();
    if (!m_missing.empty())
        fail_missing();
    if (m_needs_ld_so_cache)
        add_plain_file(kLdSoCache);
    return Dependencies{std::move(m_entries), glibc};
}

void Resolver::load_program() {
    Found program;
    program.elf = read_host_elf(m_request.program_host, ElfParts::headers_and_dynamic,
                                kMaxElfDynamicRead);
    const HostElf& elf = program.elf;
    if (!elf.io_error.empty() || !elf.error.ok())
        throw Error("cannot read the dynamic section of the program " + m_request.program_image +
                        ": " + (elf.io_error.empty() ? describe_elf_error(elf.error) : elf.io_error),
                    "rebuild it with a standard linker");
    if (!elf.elf.interpreter() && elf.dynamic.needed_count() == 0)
        return; // static: nothing to collect
    std::string interpreter;
    if (elf.elf.interpreter())
        interpreter.assign(elf.elf.interpreter(), elf.elf.interpreter_length());
    program.file = {m_request.program_image, m_request.program_host, ""};
    // Relative paths in the program's RUNPATH start next to it on the host (ld.so uses the
    // program's directory, which in the guest is the image directory).
    fs::path host_directory = m_request.program_host.parent_path();
    // The program is never matched by a DT_NEEDED name, as in ld.so (its name is empty).
    add_object(program, -1, "",
               Place{image_directory(m_request.program_image),
                     host_directory.empty() ? fs::path(".") : host_directory});
    if (!interpreter.empty())
        load_interpreter(interpreter);
}

void Resolver::load_interpreter(const std::string& interpreter) {
    std::string why = "interpreter of " + m_request.program_image;
    Found found;
    if (look_up(Place{image_path(interpreter), {}}, m_request.program_image, &found) !=
        Lookup::found) {
        note_missing(interpreter, why);
        return;
    }
    add_found_entries(found);
    // ld.so knows itself by its PT_INTERP path and its DT_SONAME (libc needs the latter).
    int index = add_object(found, -1, interpreter, Place{image_directory(found.file.image_path), {}});
    m_objects[index].names.push_back(image_path(interpreter));
}

void Resolver::walk() {
    while (!m_queue.empty()) {
        int index = m_queue.front();
        m_queue.pop_front();
        std::vector<std::string> needed = m_objects[index].needed; // m_objects may grow
        for (const std::string& name : needed)
            add_needed(index, name);
    }
}

void Resolver::add_needed(int needer, const std::string& name) {
    if (find_loaded(name) >= 0)
        return;
    bool needs_ld_so_cache = false;
    std::optional<Found> found = search(needer, name, &needs_ld_so_cache);
    if (!found) {
        note_missing(name, "needed by " + m_objects[needer].image_path);
        return;
    }
    m_needs_ld_so_cache |= needs_ld_so_cache;
    add_found_entries(*found);
    // Another name for a file already loaded: ld.so compares device and inode and reuses it.
    if (int same = find_inode(*found); same >= 0) {
        m_objects[same].names.push_back(name);
        return;
    }
    add_object(*found, needer, name, Place{image_directory(found->file.image_path), {}});
}

void Resolver::add_glibc_runtime() {
    int libc = find_loaded("libc.so.6");
    for (const char* library : kGlibcNssLibraries) {
        Found found;
        if (look_up(Place{library, {}}, m_objects[libc].image_path, &found) != Lookup::found)
            continue;
        add_found_entries(found);
        // libc dlopen()s them, so libc is their loader for DT_RPATH.
        if (find_inode(found) < 0)
            add_object(found, libc, base_name(library),
                       Place{image_directory(found.file.image_path), {}});
    }
    walk();
    add_plain_file(kCaCertificates);
}

int Resolver::add_object(const Found& found, int loader, const std::string& name, Place origin) {
    if (m_objects.size() >= kMaxLoadedObjects)
        throw Error("the program " + m_request.program_image + " needs more than " +
                        std::to_string(kMaxLoadedObjects) + " libraries",
                    "check its libraries for a broken dependency chain");
    const common::elf::DynamicSection& dynamic = found.elf.dynamic;
    LoadedObject object;
    object.image_path = found.file.image_path;
    object.origin = std::move(origin);
    if (!name.empty())
        object.names.push_back(name);
    if (dynamic.soname())
        object.names.push_back(dynamic.soname());
    for (std::size_t i = 0; i < dynamic.needed_count(); i++)
        object.needed.push_back(dynamic.needed(i));
    // Like glibc's get-dynamic-info.h: with DT_RUNPATH, DT_RPATH is ignored altogether.
    if (dynamic.runpath())
        object.runpath = dynamic.runpath();
    else if (dynamic.rpath())
        object.rpath = dynamic.rpath();
    for (std::size_t i = 0; i < dynamic.entry_count(); i++) {
        common::elf::Elf64Dyn entry = dynamic.entry(i);
        if (entry.d_tag == kDtFlags1 && (entry.d_val & kDf1NoDefLib))
            object.nodeflib = true;
    }
    object.loader = loader;
    object.device = found.device;
    object.inode = found.inode;
    m_objects.push_back(std::move(object));
    int index = static_cast<int>(m_objects.size() - 1);
    m_queue.push_back(index);
    return index;
}

int Resolver::find_loaded(const std::string& name) const {
    for (std::size_t i = 0; i < m_objects.size(); i++)
        for (const std::string& known : m_objects[i].names)
            if (known == name)
                return static_cast<int>(i);
    return -1;
}

int Resolver::find_inode(const Found& found) const {
    for (std::size_t i = 1; i < m_objects.size(); i++)
        if (m_objects[i].device == found.device && m_objects[i].inode == found.inode)
            return static_cast<int>(i);
    return -1;
}

std::optional<Found> Resolver::search(int needer, const std::string& name,
                                      bool* needs_ld_so_cache) {
    const std::string& needer_path = m_objects[needer].image_path;
    Found found;
    if (name.find('/') != std::string::npos) {
        // A path, not a name: ld.so opens it as it is, after expanding $ORIGIN.
        std::optional<Place> place = place_of(name, m_objects[needer]);
        if (place && look_up(*place, needer_path, &found) == Lookup::found)
            return found;
        return std::nullopt;
    }
    for (const SearchDirectory& directory : search_path(needer)) {
        Place place{join_image_path(directory.place.image, name),
                    directory.place.host.empty() ? fs::path() : directory.place.host / name};
        if (look_up(place, needer_path, &found) == Lookup::found) {
            *needs_ld_so_cache = directory.only_in_ld_so_conf;
            return found;
        }
    }
    return std::nullopt;
}

std::vector<SearchDirectory> Resolver::search_path(int needer) const {
    std::vector<SearchDirectory> out;
    const LoadedObject& owner = m_objects[needer];
    if (!owner.runpath) {
        // DT_RPATH of the needer, of what loaded it, and so on up to the program.
        bool program_seen = false;
        for (int index = needer; index >= 0; index = m_objects[index].loader) {
            program_seen |= index == 0;
            if (m_objects[index].rpath)
                append_path_list(out, *m_objects[index].rpath, ":", m_objects[index]);
        }
        if (!program_seen && m_objects[0].rpath)
            append_path_list(out, *m_objects[0].rpath, ":", m_objects[0]);
    }
    if (auto variable = m_request.env.find("LD_LIBRARY_PATH"); variable != m_request.env.end())
        append_path_list(out, variable->second, ":;", m_objects[0]);
    if (owner.runpath)
        append_path_list(out, *owner.runpath, ":", owner);
    if (owner.nodeflib)
        return out;
    for (const std::string& directory : m_ld_so_conf)
        out.push_back({Place{directory, {}}, !is_default_directory(directory)});
    for (const char* directory : kDefaultLibraryDirectories)
        out.push_back({Place{directory, {}}, false});
    return out;
}

void Resolver::append_path_list(std::vector<SearchDirectory>& out, const std::string& list,
                                const char* separators, const LoadedObject& owner) const {
    for (const std::string& element : split_path_list(list, separators)) {
        // An empty element means ld.so's working directory, which the image does not fix.
        if (element.empty())
            continue;
        if (std::optional<Place> place = place_of(element, owner))
            out.push_back({*place, false});
    }
}

// Where a path from RPATH, RUNPATH, LD_LIBRARY_PATH or DT_NEEDED is, with $ORIGIN expanded to
// the directory of `owner`. nullopt for a relative path (it would depend on the working
// directory) or one with a token other than $ORIGIN ($LIB, $PLATFORM).
// FIXME: expand $LIB and $PLATFORM as the root's ld.so would.
std::optional<Place> Resolver::place_of(const std::string& text, const LoadedObject& owner) const {
    std::string expanded;
    bool starts_at_origin = false;
    std::size_t rest_from = 0;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] != '$') {
            expanded += text[i++];
            continue;
        }
        std::size_t token = origin_token_at(text, i);
        if (token == 0)
            return std::nullopt;
        if (i == 0) {
            starts_at_origin = true;
            rest_from = token;
        }
        expanded += owner.origin.image;
        i += token;
    }
    if (expanded.empty() || expanded.front() != '/')
        return std::nullopt;
    Place place{image_path(expanded), {}};
    if (starts_at_origin && !owner.origin.host.empty())
        place.host = (owner.origin.host / ("." + text.substr(rest_from))).lexically_normal();
    return place;
}

fs::path Resolver::host_of(const Place& place) const {
    return place.host.empty() ? m_sysroot.host_path(place.image) : place.host;
}

// Follows `place` through symlinks to a regular file, recording each link; false when it does
// not exist, is not a regular file, or the links loop.
bool Resolver::follow_links(Place place, Found* found) const {
    found->links.clear();
    for (int hop = 0; hop <= kMaxSymlinkHops; hop++) {
        fs::path host = host_of(place);
        std::error_code error;
        fs::file_status status = fs::symlink_status(host, error);
        if (host.empty() || error || !fs::exists(status))
            return false;
        if (!fs::is_symlink(status)) {
            found->file = {place.image, host, ""};
            return fs::is_regular_file(status);
        }
        std::string target = fs::read_symlink(host, error).string();
        if (error || target.empty())
            return false;
        found->links.push_back({place.image, host, target});
        bool absolute = target.front() == '/';
        place.host = place.host.empty() || absolute ? fs::path()
                                                    : (host.parent_path() / target).lexically_normal();
        place.image = join_image_path(image_directory(place.image), target);
    }
    return false;
}

Lookup Resolver::look_up(Place place, const std::string& needer, Found* found) const {
    if (!follow_links(std::move(place), found))
        return Lookup::absent;
    found->elf = read_host_elf(found->file.host_path, ElfParts::headers_and_dynamic,
                               kMaxElfDynamicRead);
    const HostElf& elf = found->elf;
    if (!elf.io_error.empty())
        return Lookup::absent; // ld.so moves on when open() fails
    if (is_wrong_kind(elf.error.code))
        return Lookup::wrong_kind; // ld.so skips other classes and machines, so do we
    if (!elf.error.ok())
        throw Error("the library " + found->file.image_path + " (" +
                        found->file.host_path.string() + ", needed by " + needer +
                        ") cannot be loaded: " + describe_elf_error(elf.error),
                    "reinstall it, or put a good copy in a directory listed in LD_LIBRARY_PATH "
                    "in Env");
    struct stat info {};
    if (::stat(found->file.host_path.c_str(), &info) != 0)
        return Lookup::absent;
    found->device = info.st_dev;
    found->inode = info.st_ino;
    return Lookup::found;
}

void Resolver::add_entry(const ImageEntry& entry) {
    if (m_entry_paths.insert(entry.image_path).second)
        m_entries.push_back(entry);
}

void Resolver::add_found_entries(const Found& found) {
    for (const ImageEntry& link : found.links)
        add_entry(link);
    add_entry(found.file);
}

// A data file glibc opens by name, with its symlinks, when the sysroot has it.
void Resolver::add_plain_file(const std::string& image) {
    Found found;
    if (follow_links(Place{image, {}}, &found))
        add_found_entries(found);
}

void Resolver::note_missing(const std::string& name, const std::string& why) {
    for (const auto& [known, ignored] : m_missing)
        if (known == name)
            return;
    m_missing.emplace_back(name, why);
}

void Resolver::fail_missing() const {
    std::string list;
    for (const auto& [name, why] : m_missing)
        list += (list.empty() ? "" : ", ") + name + " (" + why + ")";
    if (m_sysroot.is_host())
        throw Error("missing libraries: " + list,
                    "install them, add their directory to LD_LIBRARY_PATH in Env, or set "
                    "TargetRoot");
    throw Error("missing libraries in TargetRoot " + m_sysroot.root().string() + ": " + list,
                "install them there, or add their directory to LD_LIBRARY_PATH in Env");
}

} // namespace

Dependencies resolve_dependencies(const DependencyRequest& request) {
    return Resolver(request).run();
}

} // namespace ops
