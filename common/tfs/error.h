// error.h: the error codes of the TFS reader and writer. Each side wraps them in its own type
// (Errno in the kernel, a message in ops); error_name() gives a stable text for logs and tests.
#pragma once

#include <cstdint>

namespace tfs {

enum class Error : uint8_t {
    none = 0,
    io,              // the BlockSource or BlockSink reported a failure
    no_memory,       // the Allocator returned nullptr
    bad_magic,       // an extension does not start with NVMTFS
    bad_version,     // an extension version other than 4 or 5
    truncated,       // a length or varint runs past the end of its buffer
    corrupt,         // structurally invalid data (bad frame, type, index, record)
    limit,           // a named bound (nesting, record size, extension count...) was exceeded
    no_root,         // the log holds no root tuple
    not_found,       // a path component does not exist
    not_a_directory, // a path component is not a directory
    not_a_file,      // the node is not a regular file
    symlink,         // resolution stopped at a symlink in the middle of a path
    invalid_argument, // a caller passed an unusable argument (bad name, label too long...)
    // Writable filesystem (mutable_filesystem.h); each maps onto one errno in the kernel.
    no_space,      // ENOSPC: no free run for data or for the next log extension
    exists,        // EEXIST: the name is already taken
    not_empty,     // ENOTEMPTY: removing or replacing a directory that has entries
    is_a_directory, // EISDIR / EPERM: a file operation (link, replace) on a directory
    name_too_long, // ENAMETOOLONG: a name longer than kMaxNameBytes
    broken         // EIO: an earlier failure left memory and the log out of step; remount
};

inline const char* error_name(Error e) {
    switch (e) {
    case Error::none:
        return "none";
    case Error::io:
        return "io";
    case Error::no_memory:
        return "no_memory";
    case Error::bad_magic:
        return "bad_magic";
    case Error::bad_version:
        return "bad_version";
    case Error::truncated:
        return "truncated";
    case Error::corrupt:
        return "corrupt";
    case Error::limit:
        return "limit";
    case Error::no_root:
        return "no_root";
    case Error::not_found:
        return "not_found";
    case Error::not_a_directory:
        return "not_a_directory";
    case Error::not_a_file:
        return "not_a_file";
    case Error::symlink:
        return "symlink";
    case Error::invalid_argument:
        return "invalid_argument";
    case Error::no_space:
        return "no_space";
    case Error::exists:
        return "exists";
    case Error::not_empty:
        return "not_empty";
    case Error::is_a_directory:
        return "is_a_directory";
    case Error::name_too_long:
        return "name_too_long";
    case Error::broken:
        return "broken";
    }
    return "unknown";
}

} // namespace tfs

// Propagates a tfs::Error: evaluates expr and returns it from the caller if it is not none.
#define TFS_TRY(expr)                                                                              \
    do {                                                                                           \
        ::tfs::Error tfs_try_error_ = (expr);                                                      \
        if (tfs_try_error_ != ::tfs::Error::none)                                                  \
            return tfs_try_error_;                                                                 \
    } while (0)
