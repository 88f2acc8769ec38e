// file_locks.cpp: fcntl advisory record locks with Linux's argument checks and results. The
// machine runs exactly one process, and Linux never lets a process's POSIX locks conflict with
// each other (a new lock replaces or merges with the old one over the same range), so every
// F_SETLK/F_SETLKW succeeds at once and F_GETLK reports F_UNLCK, as Linux answers a lone
// process. Open-file-description locks (F_OFD_*) are answered the same way.
// FIXME: on Linux an OFD lock conflicts with the process's POSIX locks and with OFD locks taken
// through other open file descriptions of the file. Modelling that needs a lock table per inode,
// released by close() (POSIX locks) and by the description's last close (OFD locks), hooks that
// belong in linux/fs_calls.cpp and fs/open_file.cpp.
#include "linux/file_locks.h"

#include "fs/open_file.h"
#include "linux/abi/flock.h"
#include "linux/user_memory.h"

namespace {

using namespace flock_abi;

constexpr i64 OFFSET_MAX = 0x7fffffffffffffff;
constexpr int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

// Linux's flock_to_posix_lock: the range must start at or after offset 0 and not overflow.
Result<void> check_range(const OpenFile* file, const LinuxFlock& lock) {
    i64 start;
    switch (lock.l_whence) {
    case SEEK_SET:
        start = 0;
        break;
    case SEEK_CUR:
        start = i64(file->offset);
        break;
    case SEEK_END:
        start = i64(file->inode->size());
        break;
    default:
        return Errno::EINVAL;
    }
    if (lock.l_start > 0 && start > OFFSET_MAX - lock.l_start)
        return Errno::EOVERFLOW;
    start += lock.l_start;
    if (start < 0)
        return Errno::EINVAL;
    if (lock.l_len > 0 && lock.l_len - 1 > OFFSET_MAX - start)
        return Errno::EOVERFLOW;
    if (lock.l_len < 0 && start + lock.l_len < 0)
        return Errno::EINVAL;
    return {};
}

bool is_open_description_command(int command) {
    return command == F_OFD_GETLK || command == F_OFD_SETLK || command == F_OFD_SETLKW;
}

// The checks in Linux's order (fcntl_getlk): type, range, OFD's l_pid.
Result<u64> get_lock(OpenFile* file, int command, UserOut<LinuxFlock> out, LinuxFlock lock) {
    if (lock.l_type != F_RDLCK && lock.l_type != F_WRLCK)
        return Errno::EINVAL;
    TRY(check_range(file, lock));
    if (is_open_description_command(command) && lock.l_pid != 0)
        return Errno::EINVAL;
    // No lock of another owner exists, so nothing would block this one.
    lock.l_type = F_UNLCK;
    TRY(copy_to_user(out, &lock));
    return 0;
}

// The checks in Linux's order (fcntl_setlk): range, type, the descriptor's mode, OFD's l_pid.
Result<u64> set_lock(OpenFile* file, int command, const LinuxFlock& lock) {
    TRY(check_range(file, lock));
    if (lock.l_type != F_RDLCK && lock.l_type != F_WRLCK && lock.l_type != F_UNLCK)
        return Errno::EINVAL;
    if (lock.l_type == F_RDLCK && !file->readable())
        return Errno::EBADF;
    if (lock.l_type == F_WRLCK && !file->writable())
        return Errno::EBADF;
    if (is_open_description_command(command) && lock.l_pid != 0)
        return Errno::EINVAL;
    return 0;
}

} // namespace

bool is_record_lock_command(int command) {
    return command == F_GETLK || command == F_SETLK || command == F_SETLKW ||
           is_open_description_command(command);
}

Result<u64> fcntl_lock(OpenFile* file, int command, u64 argument) {
    LinuxFlock lock;
    TRY(copy_from_user(&lock, UserIn<LinuxFlock>(argument)));
    if (command == F_GETLK || command == F_OFD_GETLK)
        return get_lock(file, command, UserOut<LinuxFlock>(argument), lock);
    return set_lock(file, command, lock);
}
