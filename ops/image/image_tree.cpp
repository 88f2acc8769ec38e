// image_tree.cpp: collecting host files, symlinks, directories and generated texts into a
// tfs::Builder at image paths.
#include "ops/image/image_tree.h"

#include "ops/base/error.h"

#include <system_error>

namespace ops {

namespace {
common::Bytes bytes_of(std::string_view text) {
    return common::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

[[noreturn]] void fail_host(const std::filesystem::path& host, const std::error_code& error) {
    throw Error("cannot read " + host.string() + ": " + error.message(),
                "check that it exists and is readable");
}
} // namespace

std::string image_path(std::string_view path) {
    // With a root directory in front, lexically_normal() drops every leading "..", like Go's
    // path.Clean("/" + p) in the established ops.
    std::string cleaned = (std::filesystem::path("/") / std::filesystem::path(path).relative_path())
                              .lexically_normal()
                              .string();
    while (cleaned.size() > 1 && cleaned.back() == '/')
        cleaned.pop_back();
    return cleaned;
}

void check_tfs(tfs::Error error, const std::string& doing) {
    switch (error) {
    case tfs::Error::none:
        return;
    case tfs::Error::no_memory:
        throw Error("out of memory while " + doing, "free some memory and try again");
    case tfs::Error::invalid_argument:
        throw Error(doing + ": invalid name (names must be 1 to 255 bytes, without NUL)",
                    "rename the file");
    case tfs::Error::limit:
        throw Error(doing + ": the image exceeds a limit of the TFS format (directories nested "
                            "too deeply, or a file too large)",
                    "flatten the directory tree or leave out the large file");
    default:
        throw Error(doing + ": " + tfs::error_name(error), "please report this");
    }
}

tfs::Value* ImageTree::root() {
    tfs::Value* root = m_builder.root();
    if (!root)
        check_tfs(tfs::Error::no_memory, "building the manifest");
    return root;
}

tfs::Value* ImageTree::directory(const std::string& path) {
    tfs::Value* dir = nullptr;
    check_tfs(m_builder.add_directories(bytes_of(path), &dir), "adding the directory " + path);
    return dir;
}

tfs::Value* ImageTree::parent_of(const std::string& path, std::string* name) {
    std::size_t slash = path.rfind('/');
    *name = path.substr(slash + 1);
    if (name->empty())
        throw Error("cannot put a file at the image root (" + path + ")",
                    "give a file name, not a directory");
    return directory(path.substr(0, slash));
}

void ImageTree::add_host_file(const std::string& path, const std::filesystem::path& host) {
    auto content = std::make_unique<HostFileContent>(host);
    std::string name;
    tfs::Value* dir = parent_of(path, &name);
    tfs::Value* file = nullptr;
    check_tfs(m_builder.add_file(dir, bytes_of(name), content->size(), content.get(), &file),
              "adding " + path);
    // The host file's mtime (and atime = mtime) so that the guest sees what the host had: Python,
    // for one, trusts a shipped .pyc only when its recorded source mtime matches the .py's.
    if (content->mtime()) {
        tfs::Tree& values = m_builder.tree();
        check_tfs(m_builder.set_attribute(file, "mtime", values.make_integer(content->mtime())),
                  "adding " + path);
        check_tfs(m_builder.set_attribute(file, "atime", values.make_integer(content->mtime())),
                  "adding " + path);
    }
    m_host_files.push_back(std::move(content));
}

void ImageTree::add_text_file(const std::string& path, std::string text) {
    auto content = std::make_unique<TextContent>(std::move(text));
    std::string name;
    tfs::Value* dir = parent_of(path, &name);
    check_tfs(m_builder.add_file(dir, bytes_of(name), content->size(), content.get()),
              "adding " + path);
    m_texts.push_back(std::move(content));
}

void ImageTree::add_host_entry(const std::string& path, const std::filesystem::path& host,
                               TopSymlink top) {
    std::error_code error;
    auto status = top == TopSymlink::follow ? std::filesystem::status(host, error)
                                            : std::filesystem::symlink_status(host, error);
    if (error)
        fail_host(host, error);
    switch (status.type()) {
    case std::filesystem::file_type::symlink:
        add_symlink(path, host);
        break;
    case std::filesystem::file_type::directory:
        add_host_directory(path, host);
        break;
    case std::filesystem::file_type::regular:
        add_host_file(path, host);
        break;
    default:
        break; // sockets, FIFOs, devices: nothing a TFS can hold
    }
}

void ImageTree::add_host_directory(const std::string& path, const std::filesystem::path& host) {
    directory(path); // kept even when empty
    std::error_code error;
    std::filesystem::directory_iterator it(host, error);
    if (error)
        fail_host(host, error);
    std::string prefix = path == "/" ? "" : path;
    while (it != std::filesystem::directory_iterator()) {
        add_host_entry(prefix + "/" + it->path().filename().string(), it->path());
        it.increment(error);
        if (error)
            fail_host(host, error);
    }
}

void ImageTree::add_symlink(const std::string& path, const std::filesystem::path& host) {
    std::error_code error;
    std::filesystem::path target = std::filesystem::read_symlink(host, error);
    if (error)
        fail_host(host, error);
    add_link(path, target.string());
}

void ImageTree::add_link(const std::string& path, const std::string& target) {
    std::string name;
    tfs::Value* dir = parent_of(path, &name);
    check_tfs(m_builder.add_symlink(dir, bytes_of(name), bytes_of(target)),
              "adding the symlink " + path);
}

std::string ImageTree::read_failure() const {
    for (const auto& file : m_host_files)
        if (!file->failure().empty())
            return "cannot read " + file->path().string() + ": " + file->failure();
    return {};
}

} // namespace ops
