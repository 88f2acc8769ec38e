// image_reader.cpp: opening a TFS inside a host file, path resolution with symlinks, reads and
// copies out to the host.
#include "ops/image/image_reader.h"

#include "common/disk/mbr.h"
#include "common/manifest/manifest.h"
#include "ops/base/error.h"
#include "ops/base/progress.h"
#include "ops/image/image_tree.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ops {

namespace {
// Symlinks followed while resolving one path, as Linux's MAXSYMLINKS: a loop ends in an error.
constexpr unsigned kMaxSymlinkHops = 40;
// Bytes read from the image per read_file call.
constexpr std::size_t kReadChunkBytes = 1 << 20;
// Directory depth walked or copied: deeper trees in an image are corrupt or hostile.
constexpr unsigned kMaxWalkDepth = 256;
// Environment variables listed from one manifest.
constexpr std::size_t kMaxEnvironment = 65536;

std::string text_of(common::Bytes bytes) {
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}
common::Bytes bytes_of(const std::string& text) {
    return common::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}
std::string join(const std::string& directory, const std::string& name) {
    return directory == "/" ? "/" + name : directory + "/" + name;
}
} // namespace

const char* entry_type_name(EntryType type) {
    switch (type) {
    case EntryType::directory:
        return "directory";
    case EntryType::file:
        return "file";
    case EntryType::symlink:
        return "symlink";
    case EntryType::other:
        break;
    }
    return "other";
}

// The host file as a tfs::BlockSource (pread, bounded by the length found at open).
class ImageReader::FileSource final : public tfs::BlockSource {
public:
    explicit FileSource(const std::filesystem::path& file) {
        m_fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat info {};
        if (m_fd < 0 || ::fstat(m_fd, &info) < 0) {
            int saved = errno;
            if (m_fd >= 0)
                ::close(m_fd);
            throw Error("cannot open " + file.string() + ": " + std::strerror(saved),
                        "check the path and its permissions");
        }
        if (!S_ISREG(info.st_mode)) {
            ::close(m_fd);
            throw Error(file.string() + " is not a regular file", "give an image file or name");
        }
        m_size = static_cast<std::uint64_t>(info.st_size);
    }
    ~FileSource() { ::close(m_fd); }
    std::uint64_t size() const { return m_size; }
    bool read(std::uint64_t offset, common::MutableBytes out) override {
        if (offset > m_size || out.size() > m_size - offset)
            return false;
        std::size_t done = 0;
        while (done < out.size()) {
            ssize_t n = ::pread(m_fd, out.data() + done, out.size() - done,
                                static_cast<off_t>(offset + done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

private:
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

ImageReader::ImageReader(const std::filesystem::path& file, ImagePart part)
    : m_file(file), m_filesystem(m_allocator) {
    m_source = std::make_unique<FileSource>(file);
    const std::string fix = "check the path: it should be an image built by ops or a volume";
    auto not_tfs = [&](const std::string& why) {
        return Error(file.string() + " is not a TFS image (" + why + ")", fix);
    };
    std::uint8_t sector0[disk::kSectorSize];
    if (m_source->size() < disk::kSectorSize ||
        !m_source->read(0, common::MutableBytes(sector0, sizeof sector0)))
        throw not_tfs("it is shorter than one sector");

    disk::BootDisk boot_disk;
    disk::Error disk_error = disk::parse_boot_disk(common::Bytes(sector0, sizeof sector0),
                                                   m_source->size(), &boot_disk);
    if (disk_error == disk::Error::none) {
        m_partitioned = true;
        if (part == ImagePart::root) {
            m_fs_offset = boot_disk.root_fs_offset;
            m_fs_bytes = boot_disk.root_fs_bytes;
        } else {
            m_fs_offset = boot_disk.boot_fs.byte_offset();
            m_fs_bytes = boot_disk.boot_fs.byte_size();
        }
        if (m_fs_offset == 0 || m_fs_offset >= m_source->size() || m_fs_bytes == 0 ||
            m_fs_bytes > m_source->size() - m_fs_offset)
            throw not_tfs(std::string("its partition table has no usable ") +
                          (part == ImagePart::root ? "root" : "boot") + " file system");
    } else if (disk_error == disk::Error::no_signature) {
        if (part == ImagePart::boot)
            throw Error(file.string() + " is a bare TFS volume: it has no boot file system",
                        "leave out --bootfs");
        m_fs_bytes = m_source->size();
    } else {
        throw not_tfs("its partition table is invalid");
    }

    m_fs_source = std::make_unique<tfs::OffsetSource>(*m_source, m_fs_offset);
    tfs::MountOptions options;
    options.fs_bytes = m_fs_bytes;
    tfs::Error error = m_filesystem.mount(*m_fs_source, options);
    if (error == tfs::Error::no_memory)
        throw Error("out of memory while reading " + file.string(), "free some memory");
    if (error != tfs::Error::none)
        throw not_tfs(std::string(m_partitioned ? "the file system at byte " +
                                                      std::to_string(m_fs_offset) + " "
                                                : "") +
                      "does not mount: " + tfs::error_name(error));
}

ImageReader::~ImageReader() = default;

std::string ImageReader::label() const {
    return text_of(m_filesystem.label());
}

std::string ImageReader::uuid() const {
    static const char* kHex = "0123456789abcdef";
    std::string text;
    const std::uint8_t* bytes = m_filesystem.uuid();
    for (std::size_t i = 0; i < tfs::kUuidBytes; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text.push_back('-');
        text.push_back(kHex[bytes[i] >> 4]);
        text.push_back(kHex[bytes[i] & 15]);
    }
    return text;
}

void ImageReader::fail_path(const std::string& path, const std::string& why) const {
    throw Error(path + " in " + m_file.string() + ": " + why,
                "list what is there with 'ops image ls " + m_file.string() + " /'");
}

ImageReader::Resolved ImageReader::resolve(const std::string& path, FinalSymlink final) const {
    std::string current = image_path(path);
    for (unsigned hops = 0;; hops++) {
        if (hops > kMaxSymlinkHops)
            fail_path(path, "too many levels of symbolic links");
        tfs::Lookup lookup;
        tfs::Error error = m_filesystem.resolve(bytes_of(current), &lookup);
        std::string rest;
        if (error == tfs::Error::symlink) {
            rest = current.substr(lookup.consumed);
            current.resize(lookup.consumed);
        } else if (error == tfs::Error::not_found || error == tfs::Error::not_a_directory) {
            fail_path(path, error == tfs::Error::not_found ? "no such file or directory"
                                                           : "a component is not a directory");
        } else if (error != tfs::Error::none) {
            fail_path(path, std::string("the file system is corrupt (") + tfs::error_name(error) +
                                ")");
        } else if (final == FinalSymlink::keep ||
                   tfs::node_type(lookup.node) != tfs::NodeType::symlink) {
            return Resolved{lookup.node, image_path(current)};
        }
        // A symlink at the end of `current`: splice its target in.
        common::Bytes target;
        if (!tfs::symlink_target(lookup.node, &target))
            fail_path(path, "a symbolic link without a target");
        std::string link = text_of(target);
        std::string parent = std::filesystem::path(image_path(current)).parent_path().string();
        current = link.starts_with('/') ? link + rest : join(parent, link) + rest;
        current = image_path(current);
    }
}

EntryInfo ImageReader::info(const tfs::Value* node, const std::string& path) const {
    EntryInfo entry;
    entry.path = path;
    entry.name = path == "/" ? "/" : std::filesystem::path(path).filename().string();
    switch (tfs::node_type(node)) {
    case tfs::NodeType::directory:
        entry.type = EntryType::directory;
        break;
    case tfs::NodeType::file:
        entry.type = EntryType::file;
        if (tfs::file_length(node, &entry.size_bytes) != tfs::Error::none)
            fail_path(path, "the file length is corrupt");
        break;
    case tfs::NodeType::symlink: {
        entry.type = EntryType::symlink;
        common::Bytes target;
        if (tfs::symlink_target(node, &target))
            entry.link_target = text_of(target);
        break;
    }
    case tfs::NodeType::other:
        entry.type = EntryType::other;
        break;
    }
    return entry;
}

EntryInfo ImageReader::stat(const std::string& path, FinalSymlink final) const {
    Resolved resolved = resolve(path, final);
    return info(resolved.node, resolved.path);
}

std::vector<EntryInfo> ImageReader::list(const std::string& path) const {
    Resolved resolved = resolve(path, FinalSymlink::follow);
    if (tfs::node_type(resolved.node) != tfs::NodeType::directory)
        return {info(resolved.node, resolved.path)};
    std::vector<EntryInfo> entries;
    const tfs::Value* children = tfs::directory_entries(resolved.node);
    for (std::size_t i = 0; children && i < children->entry_count(); i++) {
        const tfs::Entry& child = children->entry(i);
        entries.push_back(info(child.value, join(resolved.path, text_of(child.name))));
    }
    return entries;  // already sorted: tuples keep names in bytewise order
}

void ImageReader::walk(const std::string& path,
                       const std::function<void(const EntryInfo&, unsigned)>& visit) const {
    Resolved resolved = resolve(path, FinalSymlink::follow);
    std::function<void(const tfs::Value*, const std::string&, unsigned)> recurse =
        [&](const tfs::Value* node, const std::string& here, unsigned depth) {
            if (depth > kMaxWalkDepth)
                fail_path(here, "directories are nested too deeply");
            visit(info(node, here), depth);
            if (tfs::node_type(node) != tfs::NodeType::directory)
                return;
            const tfs::Value* children = tfs::directory_entries(node);
            for (std::size_t i = 0; children && i < children->entry_count(); i++) {
                const tfs::Entry& child = children->entry(i);
                recurse(child.value, join(here, text_of(child.name)), depth + 1);
            }
        };
    recurse(resolved.node, resolved.path, 0);
}

void ImageReader::read(const std::string& path,
                       const std::function<void(std::span<const std::uint8_t>)>& sink) const {
    Resolved resolved = resolve(path, FinalSymlink::follow);
    if (tfs::node_type(resolved.node) != tfs::NodeType::file)
        fail_path(path, "not a regular file");
    std::uint64_t length = 0;
    if (tfs::file_length(resolved.node, &length) != tfs::Error::none)
        fail_path(path, "the file length is corrupt");
    std::vector<std::uint8_t> buffer(std::min<std::uint64_t>(length, kReadChunkBytes));
    for (std::uint64_t offset = 0; offset < length;) {
        std::size_t done = 0;
        tfs::Error error = m_filesystem.read_file(
            resolved.node, offset, common::MutableBytes(buffer.data(), buffer.size()), &done);
        if (error != tfs::Error::none || done == 0)
            fail_path(path, std::string("cannot read the file (") +
                                (error == tfs::Error::none ? "truncated" : tfs::error_name(error)) +
                                ")");
        sink(std::span<const std::uint8_t>(buffer.data(), done));
        offset += done;
    }
}

std::string ImageReader::read_text(const std::string& path) const {
    std::string text;
    read(path, [&](std::span<const std::uint8_t> piece) {
        text.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    });
    return text;
}

std::vector<std::pair<std::string, std::string>> ImageReader::environment() const {
    std::size_t count = 0;
    manifest::environment(m_filesystem.root(), common::Span<manifest::EnvVar>(), &count);
    count = std::min(count, kMaxEnvironment);
    std::vector<manifest::EnvVar> variables(count);
    manifest::environment(m_filesystem.root(),
                          common::Span<manifest::EnvVar>(variables.data(), variables.size()),
                          &count);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& variable : variables)
        out.emplace_back(text_of(variable.name), text_of(variable.value));
    return out;
}

// ---- copy_out ----

namespace {

struct HostFile {
    int fd = -1;
    ~HostFile() {
        if (fd >= 0)
            ::close(fd);
    }
};

[[noreturn]] void fail_host(const std::filesystem::path& path, int error) {
    throw Error("cannot write " + path.string() + ": " + std::strerror(error),
                "check the destination directory and its free space");
}

void write_host_file(const ImageReader& reader, const std::string& source,
                     const std::filesystem::path& target, Progress* progress,
                     std::uint64_t* copied) {
    HostFile file;
    file.fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file.fd < 0)
        fail_host(target, errno);
    reader.read(source, [&](std::span<const std::uint8_t> piece) {
        std::size_t done = 0;
        while (done < piece.size()) {
            ssize_t n = ::write(file.fd, piece.data() + done, piece.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                fail_host(target, errno);
            done += static_cast<std::size_t>(n);
        }
        *copied += piece.size();
        if (progress)
            progress->add_bytes(piece.size());
    });
    if (::close(file.fd) < 0) {
        file.fd = -1;
        fail_host(target, errno);
    }
    file.fd = -1;
}

void copy_entry(const ImageReader& reader, const EntryInfo& entry,
                const std::filesystem::path& target, const CopyOutRequest& request,
                Progress* progress, std::uint64_t* copied, unsigned depth) {
    if (depth > kMaxWalkDepth)
        throw Error(entry.path + ": directories are nested too deeply", "");
    std::error_code error;
    switch (entry.type) {
    case EntryType::file:
        write_host_file(reader, entry.path, target, progress, copied);
        return;
    case EntryType::symlink:
        std::filesystem::remove(target, error);
        std::filesystem::create_symlink(entry.link_target, target, error);
        if (error)
            throw Error("cannot create the link " + target.string() + ": " + error.message(),
                        "check the destination directory");
        return;
    case EntryType::directory:
        std::filesystem::create_directories(target, error);
        if (error)
            throw Error("cannot create " + target.string() + ": " + error.message(),
                        "check the destination directory");
        for (const EntryInfo& child : reader.list(entry.path)) {
            EntryInfo next = child;
            if (child.type == EntryType::symlink && request.dereference)
                next = reader.stat(child.path, FinalSymlink::follow);
            next.path = child.path;
            copy_entry(reader, next, target / child.name, request, progress, copied, depth + 1);
        }
        return;
    case EntryType::other:
        return;  // nothing a host file can hold
    }
}

std::vector<EntryInfo> checked_sources(const ImageReader& reader, const CopyOutRequest& request) {
    if (request.sources.empty())
        throw Error("nothing to copy", "name at least one file in the image");
    std::vector<EntryInfo> sources;
    for (const std::string& source : request.sources) {
        EntryInfo entry = reader.stat(
            source, request.dereference ? FinalSymlink::follow : FinalSymlink::keep);
        if (entry.type == EntryType::directory && !request.recursive)
            throw Error(source + " in " + reader.file().string() + " is a directory",
                        "add -r to copy directories");
        entry.path = image_path(source);
        sources.push_back(entry);
    }
    return sources;
}

} // namespace

std::uint64_t copy_out_bytes(const ImageReader& reader, const CopyOutRequest& request) {
    std::uint64_t total = 0;
    for (const EntryInfo& source : checked_sources(reader, request))
        reader.walk(source.path, [&](const EntryInfo& entry, unsigned) {
            if (entry.type == EntryType::file)
                total += entry.size_bytes;
        });
    return total;
}

std::uint64_t copy_out(const ImageReader& reader, const CopyOutRequest& request,
                       Progress* progress) {
    std::vector<EntryInfo> sources = checked_sources(reader, request);
    std::error_code error;
    bool into_directory = std::filesystem::is_directory(request.destination, error);
    if (sources.size() > 1 && !into_directory)
        throw Error("the destination " + request.destination.string() +
                        " is not a directory, and there are several sources",
                    "create the directory first, or copy one file at a time");
    std::uint64_t copied = 0;
    for (const EntryInfo& source : sources) {
        // "/" has no name of its own: its content goes into the destination, like "cp -r dir/.".
        std::filesystem::path target = into_directory && source.path != "/"
                                           ? request.destination / source.name
                                           : request.destination;
        copy_entry(reader, source, target, request, progress, &copied, 0);
    }
    return copied;
}

} // namespace ops
