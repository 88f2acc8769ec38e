// load.cpp: resolving, merging and building a package for `ops pkg load`.
#include "ops/pkg/load.h"

#include "ops/base/error.h"
#include "ops/pkg/merge.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ops {

namespace {

// Changes the working directory for its lifetime.
class WorkingDirectory {
  public:
    explicit WorkingDirectory(const std::filesystem::path& directory) {
        m_saved = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m_saved < 0 || ::chdir(directory.c_str()) != 0) {
            int saved = errno;
            if (m_saved >= 0)
                ::close(m_saved);
            throw Error("cannot enter " + directory.string() + ": " + std::strerror(saved),
                        "check the permissions of the package directory");
        }
    }
    ~WorkingDirectory() {
        if (::fchdir(m_saved) != 0) {
            // Nothing sensible is left to do; every path used afterwards is absolute.
        }
        ::close(m_saved);
    }
    WorkingDirectory(const WorkingDirectory&) = delete;
    WorkingDirectory& operator=(const WorkingDirectory&) = delete;

  private:
    int m_saved = -1;
};

std::string absolute_text(const std::string& path) {
    return path.empty() ? path : std::filesystem::absolute(path).string();
}

} // namespace

LoadedPackage load_package(const PackageStore& store, const PackageRef& ref, PackageSource source,
                           const Config& user) {
    LoadedPackage loaded;
    loaded.info = store.find(ref, source);
    PackageManifest manifest = read_package_manifest(loaded.info.path);
    loaded.config = merge_package_config(manifest, user, loaded.info.path);
    loaded.program_base = manifest.program_base;
    return loaded;
}

void build_package_image(const BuildRequest& request, const std::filesystem::path& program_base) {
    BuildRequest absolute = request;
    absolute.output = std::filesystem::absolute(request.output);
    absolute.kernel = std::filesystem::absolute(request.kernel);
    absolute.config.target_root = absolute_text(request.config.target_root);
    absolute.config.kernel = absolute_text(request.config.kernel);
    if (absolute.config.local_files_parent_directory.empty())
        absolute.config.local_files_parent_directory = std::filesystem::current_path();
    else
        absolute.config.local_files_parent_directory =
            std::filesystem::absolute(absolute.config.local_files_parent_directory);
    WorkingDirectory inside(program_base);
    build_image(absolute);
}

} // namespace ops
