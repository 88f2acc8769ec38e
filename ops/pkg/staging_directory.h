// staging_directory.h: a package is assembled in a temporary directory beside its final place
// and renamed into place in one step, so a failed `ops pkg add` or `from-run` leaves nothing
// behind and a reader never sees half a package.
#pragma once

#include <filesystem>
#include <string>

namespace ops {

class StagingDirectory {
  public:
    // Creates "<parent>/.tmp-<purpose>-XXXXXX" (and `parent` if missing). Throws ops::Error.
    StagingDirectory(const std::filesystem::path& parent, const std::string& purpose);
    // Removes the directory and everything in it unless commit() succeeded.
    ~StagingDirectory();
    StagingDirectory(const StagingDirectory&) = delete;
    StagingDirectory& operator=(const StagingDirectory&) = delete;

    const std::filesystem::path& path() const { return m_path; }

    // Renames `inside` (path() or a directory below it) to `target`, which must not exist.
    // Throws ops::Error naming `what` when the target exists or the rename fails.
    void commit(const std::filesystem::path& inside, const std::filesystem::path& target,
                const std::string& what);

  private:
    std::filesystem::path m_path;
};

} // namespace ops
