// staging_directory.cpp: mkdtemp, rename into place, clean up on failure.
#include "ops/pkg/staging_directory.h"

#include "ops/base/error.h"
#include "ops/store/paths.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <vector>

namespace ops {

StagingDirectory::StagingDirectory(const std::filesystem::path& parent,
                                   const std::string& purpose) {
    ensure_directory(parent);
    std::string pattern = (parent / (".tmp-" + purpose + "-XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data()))
        throw Error("cannot create a temporary directory in " + parent.string() + ": " +
                        std::strerror(errno),
                    "check the permissions and free space of ~/.ops");
    m_path = buffer.data();
}

StagingDirectory::~StagingDirectory() {
    if (m_path.empty())
        return;
    std::error_code error;
    std::filesystem::remove_all(m_path, error);
}

void StagingDirectory::commit(const std::filesystem::path& inside,
                              const std::filesystem::path& target, const std::string& what) {
    std::error_code error;
    if (std::filesystem::exists(std::filesystem::symlink_status(target, error)))
        throw Error(what + " already exists (" + target.string() + ")",
                    "delete it first with ops pkg delete <name>:<version> -l, or pick another "
                    "name or version");
    // RENAME_NOREPLACE: a package created by someone else in between is never replaced.
    if (::renameat2(AT_FDCWD, inside.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
        int saved = errno;
        if (saved == EEXIST)
            throw Error(what + " already exists (" + target.string() + ")",
                        "delete it first with ops pkg delete <name>:<version> -l, or pick another "
                        "name or version");
        throw Error("cannot move the new package to " + target.string() + ": " +
                        std::strerror(saved),
                    "check the permissions of " + target.parent_path().string());
    }
    if (inside == m_path)
        m_path.clear();
}

} // namespace ops
