// syscalls.h: declarations of every syscall handler. Handlers are free functions returning
// Result<u64>; typed arguments (ints, UserIn/UserOut) are converted from registers by the
// dispatcher. Each family's bodies live in its own file (see syscall_list.h).
#pragma once

#include "linux/user_memory.h"

struct IoVector;
struct LinuxStat;
struct LinuxStatx;
struct LinuxStatfs;
struct LinuxTimespec;
struct LinuxTimeval;
struct LinuxUtsname;
struct LinuxRlimit;
struct LinuxSysinfo;

// fs_calls.cpp
Result<u64> sys_read(int fd, UserOut<u8> buffer, u64 count);
Result<u64> sys_write(int fd, UserIn<u8> buffer, u64 count);
Result<u64> sys_open(UserIn<char> path, int flags, u32 mode);
Result<u64> sys_openat(int dirfd, UserIn<char> path, int flags, u32 mode);
Result<u64> sys_close(int fd);
Result<u64> sys_stat(UserIn<char> path, UserOut<LinuxStat> out);
Result<u64> sys_lstat(UserIn<char> path, UserOut<LinuxStat> out);
Result<u64> sys_fstat(int fd, UserOut<LinuxStat> out);
Result<u64> sys_newfstatat(int dirfd, UserIn<char> path, UserOut<LinuxStat> out, int flags);
Result<u64> sys_statx(int dirfd, UserIn<char> path, int flags, u32 mask, UserOut<LinuxStatx> out);
Result<u64> sys_lseek(int fd, i64 offset, int whence);
Result<u64> sys_ioctl(int fd, u64 request, u64 argument);
Result<u64> sys_pread64(int fd, UserOut<u8> buffer, u64 count, i64 offset);
Result<u64> sys_pwrite64(int fd, UserIn<u8> buffer, u64 count, i64 offset);
Result<u64> sys_readv(int fd, UserIn<IoVector> vectors, int count);
Result<u64> sys_writev(int fd, UserIn<IoVector> vectors, int count);
Result<u64> sys_access(UserIn<char> path, int mode);
Result<u64> sys_faccessat(int dirfd, UserIn<char> path, int mode);
Result<u64> sys_faccessat2(int dirfd, UserIn<char> path, int mode, int flags);
Result<u64> sys_dup(int fd);
Result<u64> sys_dup2(int fd, int new_fd);
Result<u64> sys_dup3(int fd, int new_fd, int flags);
Result<u64> sys_fcntl(int fd, int command, u64 argument);
Result<u64> sys_fsync(int fd);
Result<u64> sys_fdatasync(int fd);
Result<u64> sys_getcwd(UserOut<char> buffer, u64 size);
Result<u64> sys_chdir(UserIn<char> path);
Result<u64> sys_fchdir(int fd);
Result<u64> sys_readlink(UserIn<char> path, UserOut<char> buffer, u64 size);
Result<u64> sys_readlinkat(int dirfd, UserIn<char> path, UserOut<char> buffer, u64 size);
Result<u64> sys_getdents64(int fd, UserOut<u8> buffer, u64 size);
Result<u64> sys_preadv(int fd, UserIn<IoVector> vectors, int count, i64 offset);
Result<u64> sys_pwritev(int fd, UserIn<IoVector> vectors, int count, i64 offset);
Result<u64> sys_creat(UserIn<char> path, u32 mode);

// file_change_calls.cpp
Result<u64> sys_mkdir(UserIn<char> path, u32 mode);
Result<u64> sys_mkdirat(int dirfd, UserIn<char> path, u32 mode);
Result<u64> sys_rmdir(UserIn<char> path);
Result<u64> sys_unlink(UserIn<char> path);
Result<u64> sys_unlinkat(int dirfd, UserIn<char> path, int flags);
Result<u64> sys_rename(UserIn<char> old_path, UserIn<char> new_path);
Result<u64> sys_renameat(int old_dirfd, UserIn<char> old_path, int new_dirfd,
                         UserIn<char> new_path);
Result<u64> sys_renameat2(int old_dirfd, UserIn<char> old_path, int new_dirfd,
                          UserIn<char> new_path, u32 flags);
Result<u64> sys_link(UserIn<char> old_path, UserIn<char> new_path);
Result<u64> sys_linkat(int old_dirfd, UserIn<char> old_path, int new_dirfd, UserIn<char> new_path,
                       int flags);
Result<u64> sys_symlink(UserIn<char> target, UserIn<char> path);
Result<u64> sys_symlinkat(UserIn<char> target, int dirfd, UserIn<char> path);
Result<u64> sys_truncate(UserIn<char> path, i64 length);
Result<u64> sys_ftruncate(int fd, i64 length);
Result<u64> sys_fallocate(int fd, int mode, i64 offset, i64 length);
Result<u64> sys_utimensat(int dirfd, UserIn<char> path, UserIn<LinuxTimespec> times, int flags);
Result<u64> sys_futimesat(int dirfd, UserIn<char> path, UserIn<LinuxTimeval> times);
Result<u64> sys_utimes(UserIn<char> path, UserIn<LinuxTimeval> times);
Result<u64> sys_sync();
Result<u64> sys_syncfs(int fd);
Result<u64> sys_statfs(UserIn<char> path, UserOut<LinuxStatfs> out);
Result<u64> sys_fstatfs(int fd, UserOut<LinuxStatfs> out);
Result<u64> sys_chmod(UserIn<char> path, u32 mode);
Result<u64> sys_fchmod(int fd, u32 mode);
Result<u64> sys_fchmodat(int dirfd, UserIn<char> path, u32 mode);
Result<u64> sys_umask(u32 mask);

// mm_calls.cpp
Result<u64> sys_mmap(u64 address, u64 length, int protection, int flags, int fd, u64 offset);
Result<u64> sys_mprotect(u64 address, u64 length, int protection);
Result<u64> sys_munmap(u64 address, u64 length);
Result<u64> sys_brk(u64 address);
Result<u64> sys_mremap(u64 old_address, u64 old_length, u64 new_length, int flags, u64 new_address);
Result<u64> sys_madvise(u64 address, u64 length, int advice);
Result<u64> sys_msync(u64 address, u64 length, int flags);

// process_calls.cpp
Result<u64> sys_getpid();
Result<u64> sys_getppid();
Result<u64> sys_getuid();
Result<u64> sys_geteuid();
Result<u64> sys_getgid();
Result<u64> sys_getegid();
Result<u64> sys_exit_group(int status);
Result<u64> sys_uname(UserOut<LinuxUtsname> out);
Result<u64> sys_getrlimit(u32 resource, UserOut<LinuxRlimit> out);
Result<u64> sys_prlimit64(int pid, u32 resource, UserIn<LinuxRlimit> new_limit,
                          UserOut<LinuxRlimit> old_limit);
Result<u64> sys_arch_prctl(int code, u64 address);
Result<u64> sys_sched_getaffinity(int pid, u64 size, UserOut<u8> mask);
Result<u64> sys_sched_setaffinity(int pid, u64 size, UserIn<u8> mask);
Result<u64> sys_getrandom(UserOut<u8> buffer, u64 length, u32 flags);
Result<u64> sys_sysinfo(UserOut<LinuxSysinfo> out);

// thread_calls.cpp
Result<u64> sys_clone(u64 flags, u64 stack, u64 parent_tid, u64 child_tid, u64 tls);
Result<u64> sys_clone3(UserIn<u8> args, u64 size);
Result<u64> sys_exit(int status);
Result<u64> sys_futex(u64 address, int op, u32 value, u64 timeout, u64 address2, u32 value3);
Result<u64> sys_gettid();
Result<u64> sys_set_tid_address(u64 address);
Result<u64> sys_set_robust_list(u64 head, u64 length);
Result<u64> sys_get_robust_list(int tid, UserOut<u64> head, UserOut<u64> length);
Result<u64> sys_sched_yield();
Result<u64> sys_getcpu(UserOut<u32> cpu, UserOut<u32> node, u64 cache);

// time_calls.cpp
Result<u64> sys_clock_gettime(int clock, UserOut<LinuxTimespec> out);
// cpu_time_calls.cpp
Result<u64> sys_getrusage(int who, UserOut<u8> usage);
Result<u64> sys_times(UserOut<u8> tms);
Result<u64> sys_clock_getres(int clock, UserOut<LinuxTimespec> out);
Result<u64> sys_gettimeofday(UserOut<LinuxTimeval> out, u64 timezone);
Result<u64> sys_time(UserOut<i64> out);
Result<u64> sys_nanosleep(UserIn<LinuxTimespec> request, UserOut<LinuxTimespec> remaining);
Result<u64> sys_clock_nanosleep(int clock, int flags, UserIn<LinuxTimespec> request,
                                UserOut<LinuxTimespec> remaining);

// socket_calls.cpp
Result<u64> sys_socket(int domain, int type, int protocol);
Result<u64> sys_socketpair(int domain, int type, int protocol, UserOut<i32> fds);
Result<u64> sys_bind(int fd, UserIn<u8> address, u32 length);
Result<u64> sys_listen(int fd, int backlog);
Result<u64> sys_accept(int fd, u64 address, u64 length_pointer);
Result<u64> sys_accept4(int fd, u64 address, u64 length_pointer, int flags);
Result<u64> sys_connect(int fd, UserIn<u8> address, u32 length);
Result<u64> sys_shutdown(int fd, int how);
Result<u64> sys_getsockname(int fd, u64 address, u64 length_pointer);
Result<u64> sys_getpeername(int fd, u64 address, u64 length_pointer);
Result<u64> sys_sendto(int fd, UserIn<u8> data, u64 length, int flags, u64 address,
                       u32 address_length);
Result<u64> sys_recvfrom(int fd, UserOut<u8> data, u64 length, int flags, u64 address,
                         u64 length_pointer);
Result<u64> sys_sendmsg(int fd, UserIn<u8> message, int flags);
Result<u64> sys_recvmsg(int fd, UserIn<u8> message, int flags);
Result<u64> sys_sendmmsg(int fd, u64 messages, u32 count, int flags);
Result<u64> sys_recvmmsg(int fd, u64 messages, u32 count, int flags, u64 timeout);
Result<u64> sys_setsockopt(int fd, int level, int name, UserIn<u8> value, u32 length);
Result<u64> sys_getsockopt(int fd, int level, int name, u64 value, u64 length_pointer);

// poll_calls.cpp
struct EpollEvent;
Result<u64> sys_pipe(UserOut<i32> fds);
Result<u64> sys_pipe2(UserOut<i32> fds, int flags);
Result<u64> sys_eventfd(u32 initial);
Result<u64> sys_eventfd2(u32 initial, int flags);
Result<u64> sys_epoll_create(int size);
Result<u64> sys_epoll_create1(int flags);
Result<u64> sys_epoll_ctl(int epfd, int op, int fd, UserIn<EpollEvent> event);
Result<u64> sys_epoll_wait(int epfd, UserOut<EpollEvent> events, int max, int timeout);
Result<u64> sys_epoll_pwait(int epfd, UserOut<EpollEvent> events, int max, int timeout,
                            UserIn<u64> mask, u64 size);
Result<u64> sys_poll(UserIn<u8> fds, u64 count, int timeout);
Result<u64> sys_ppoll(UserIn<u8> fds, u64 count, UserIn<LinuxTimespec> timeout, UserIn<u64> mask,
                      u64 size);
Result<u64> sys_select(int nfds, u64 read_set, u64 write_set, u64 except_set,
                       UserIn<LinuxTimeval> timeout);
Result<u64> sys_pselect6(int nfds, u64 read_set, u64 write_set, u64 except_set,
                         UserIn<LinuxTimespec> timeout, UserIn<u64> mask);

// timer_calls.cpp, timerfd.cpp, signalfd.cpp
struct LinuxItimerval;
struct LinuxItimerspec;
Result<u64> sys_alarm(u32 seconds);
Result<u64> sys_setitimer(int which, UserIn<LinuxItimerval> value, UserOut<LinuxItimerval> old);
Result<u64> sys_getitimer(int which, UserOut<LinuxItimerval> out);
Result<u64> sys_timer_create(int clock, UserIn<u8> event, UserOut<i32> id);
Result<u64> sys_timer_settime(int id, int flags, UserIn<LinuxItimerspec> value,
                              UserOut<LinuxItimerspec> old);
Result<u64> sys_timer_gettime(int id, UserOut<LinuxItimerspec> out);
Result<u64> sys_timer_getoverrun(int id);
Result<u64> sys_timer_delete(int id);
Result<u64> sys_timerfd_create(int clock, int flags);
Result<u64> sys_timerfd_settime(int fd, int flags, UserIn<LinuxItimerspec> value,
                                UserOut<LinuxItimerspec> old_value);
Result<u64> sys_timerfd_gettime(int fd, UserOut<LinuxItimerspec> out);
Result<u64> sys_signalfd(int fd, UserIn<u64> mask, u64 size);
Result<u64> sys_signalfd4(int fd, UserIn<u64> mask, u64 size, int flags);

// signal_calls.cpp
Result<u64> sys_pause();
Result<u64> sys_rt_sigsuspend(UserIn<u64> mask, u64 size);
Result<u64> sys_rt_sigtimedwait(UserIn<u64> set, UserOut<u8> info, UserIn<LinuxTimespec> timeout,
                                u64 size);
Result<u64> sys_rt_sigaction(int signal, UserIn<u8> action, UserOut<u8> old_action, u64 size);
Result<u64> sys_rt_sigprocmask(int how, UserIn<u64> set, UserOut<u64> old_set, u64 size);
Result<u64> sys_rt_sigreturn();
Result<u64> sys_sigaltstack(UserIn<u8> stack, UserOut<u8> old_stack);
Result<u64> sys_rt_sigpending(UserOut<u64> set, u64 size);
Result<u64> sys_kill(int pid, int signo);
Result<u64> sys_tkill(int tid, int signo);
Result<u64> sys_tgkill(int tgid, int tid, int signo);
