// sysroot.cpp: resolving image paths below a root directory on the host.
#include "ops/image/sysroot.h"

#include "ops/image/image_tree.h"

#include <deque>
#include <system_error>
#include <vector>

namespace ops {

namespace {

// The components of a path, without empty ones and ".".
std::deque<std::string> components_of(const std::string& path) {
    std::deque<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        std::string part = path.substr(start, end - start);
        if (!part.empty() && part != ".")
            out.push_back(part);
        start = end + 1;
    }
    return out;
}

} // namespace

Sysroot::Sysroot(std::filesystem::path root) {
    if (!root.empty() && root.lexically_normal() != "/")
        m_root = root.lexically_normal();
}

std::filesystem::path Sysroot::host_path(const std::string& image) const {
    // On the host itself the host kernel resolves the directories exactly like this.
    if (is_host())
        return image_path(image);
    std::deque<std::string> pending = components_of(image);
    std::vector<std::string> resolved;
    int hops = 0;
    auto current = [&] {
        std::filesystem::path path = m_root;
        for (const std::string& part : resolved)
            path /= part;
        return path;
    };
    while (pending.size() > 1) {
        std::string part = pending.front();
        pending.pop_front();
        if (part == "..") {
            if (!resolved.empty())
                resolved.pop_back();
            continue;
        }
        std::filesystem::path next = current() / part;
        std::error_code error;
        if (!std::filesystem::is_symlink(next, error)) {
            resolved.push_back(part);
            continue;
        }
        if (++hops > kMaxSymlinkHops)
            return {};
        std::string target = std::filesystem::read_symlink(next, error).string();
        if (error) {
            resolved.push_back(part);
            continue;
        }
        if (!target.empty() && target.front() == '/')
            resolved.clear();
        std::deque<std::string> inserted = components_of(target);
        pending.insert(pending.begin(), inserted.begin(), inserted.end());
    }
    if (!pending.empty() && pending.front() == "..") {
        if (!resolved.empty())
            resolved.pop_back();
        return current();
    }
    return pending.empty() ? current() : current() / pending.front();
}

std::string Sysroot::image_path_of(const std::filesystem::path& host) const {
    if (is_host())
        return image_path(host.string());
    return image_path(host.lexically_relative(m_root).string());
}

std::string join_image_path(const std::string& directory, const std::string& path) {
    if (!path.empty() && path.front() == '/')
        return image_path(path);
    return image_path(directory + "/" + path);
}

std::string image_directory(const std::string& path) {
    std::size_t slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0)
        return "/";
    return path.substr(0, slash);
}

} // namespace ops
