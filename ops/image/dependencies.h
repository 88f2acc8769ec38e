// dependencies.h: what a dynamically linked program needs in the image besides itself, found by
// reading ELF files, never running them: its PT_INTERP, its DT_NEEDED libraries (recursively,
// searched as glibc's ld.so searches), the symlinks on the way to each, and the runtime files
// glibc opens by name. Where the entries go in the tree is root_fs.cpp's business.
#pragma once

#include "ops/image/sysroot.h"

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ops {

// More objects than this in one program is a hostile or broken dependency graph; the largest
// real programs (browsers, IDEs) load a few hundred.
inline constexpr std::size_t kMaxLoadedObjects = 4096;

// The directories ld.so searches last, after the cache (the multiarch and the classic ones).
inline constexpr const char* kDefaultLibraryDirectories[] = {
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib",
    "/usr/lib"};

// Files glibc loads by name at run time (getaddrinfo, getpwnam), shipped when they exist.
inline constexpr const char* kGlibcNssLibraries[] = {"/lib/x86_64-linux-gnu/libnss_dns.so.2",
                                                     "/lib/x86_64-linux-gnu/libnss_files.so.2"};
inline constexpr const char* kCaCertificates = "/etc/ssl/certs/ca-certificates.crt";
inline constexpr const char* kLdSoCache = "/etc/ld.so.cache";

// One entry of the image: a regular file copied from the host, or a symlink.
struct ImageEntry {
    std::string image_path;          // absolute, cleaned
    std::filesystem::path host_path; // the file (or the link) on the host
    std::string link_target;         // a symlink's target as stored; empty for a regular file

    bool is_symlink() const { return !link_target.empty(); }
    bool operator==(const ImageEntry&) const = default;
};

struct DependencyRequest {
    std::filesystem::path program_host; // the program on the host
    std::string program_image;          // its absolute image path; its directory is $ORIGIN
    Sysroot sysroot;                    // where absolute paths are looked up (TargetRoot)
    std::map<std::string, std::string> env; // the program's environment: LD_LIBRARY_PATH
};

struct Dependencies {
    // Interpreter, libraries breadth-first, then the runtime files; each image path once. A
    // symlink comes right before what it points to.
    std::vector<ImageEntry> entries;
    // The program runs on glibc (libc.so.6 is among its libraries): the caller adds the files
    // glibc reads that ops generates (/etc/hostname).
    bool glibc = false;
};

// Resolves the program's dependencies. A static program (no PT_INTERP, no DT_NEEDED) gives no
// entries. Search order for each DT_NEEDED name of an object, as ld.so: the DT_RPATH of the
// object and of the objects that loaded it up to the program (only of objects without
// DT_RUNPATH), LD_LIBRARY_PATH from `env`, the object's DT_RUNPATH, the directories of the
// root's /etc/ld.so.conf, then kDefaultLibraryDirectories (these two unless the object has
// DF_1_NODEFLIB). $ORIGIN and ${ORIGIN} are the directory of the object that has the path.
// Candidates that are not x86-64 ELF64 files are skipped like ld.so skips them. Throws
// ops::Error listing every missing library (and who needs it) at once, or naming a library
// that is damaged. Blocks on file reads below the sysroot.
Dependencies resolve_dependencies(const DependencyRequest& request);

} // namespace ops
