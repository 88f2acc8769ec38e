// syscall_list.h: every Linux syscall this kernel implements, as one X-macro list of
// (number, name). It generates the dispatch table (syscall_dispatch.cpp); it is plain data so
// ops can include it too. Handlers are declared in linux/syscalls.h, one family per file.
#pragma once

#define ENUMERATE_SYSCALLS(S)                                                                      \
    /* fs_calls.cpp */                                                                             \
    S(0, read) S(1, write) S(2, open) S(3, close) S(4, stat) S(5, fstat) S(6, lstat)             \
    S(8, lseek) S(16, ioctl) S(17, pread64) S(18, pwrite64) S(19, readv) S(20, writev)           \
    S(21, access) S(32, dup) S(33, dup2) S(72, fcntl) S(74, fsync) S(75, fdatasync)              \
    S(79, getcwd) S(80, chdir) S(81, fchdir) S(89, readlink) S(217, getdents64) S(257, openat)  \
    S(262, newfstatat) S(267, readlinkat) S(269, faccessat) S(292, dup3) S(332, statx)          \
    S(439, faccessat2) S(295, preadv) S(296, pwritev) S(85, creat)                                \
    /* file_change_calls.cpp */                                                                    \
    S(83, mkdir) S(258, mkdirat) S(84, rmdir) S(87, unlink) S(263, unlinkat) S(82, rename)         \
    S(264, renameat) S(316, renameat2) S(86, link) S(265, linkat) S(88, symlink)                   \
    S(266, symlinkat) S(76, truncate) S(77, ftruncate) S(285, fallocate) S(280, utimensat)        \
    S(261, futimesat) S(235, utimes) S(162, sync) S(306, syncfs) S(137, statfs) S(138, fstatfs)   \
    S(90, chmod) S(91, fchmod) S(268, fchmodat) S(95, umask)                                       \
    /* mm_calls.cpp */                                                                             \
    S(9, mmap) S(10, mprotect) S(11, munmap) S(12, brk) S(25, mremap) S(28, madvise)             \
    S(26, msync)                                                                                   \
    /* process_calls.cpp */                                                                        \
    S(39, getpid) S(60, exit) S(63, uname) S(97, getrlimit) S(102, getuid) S(104, getgid)        \
    S(107, geteuid) S(108, getegid) S(110, getppid) S(158, arch_prctl) S(186, gettid)            \
    S(218, set_tid_address) S(231, exit_group) S(273, set_robust_list) S(302, prlimit64)         \
    S(24, sched_yield) S(204, sched_getaffinity) S(203, sched_setaffinity) S(318, getrandom)                  \
    S(99, sysinfo)                                                                                 \
    /* time_calls.cpp */                                                                           \
    S(35, nanosleep) S(96, gettimeofday) S(201, time) S(228, clock_gettime)                      \
    S(229, clock_getres) S(230, clock_nanosleep)                                                   \
    /* cpu_time_calls.cpp */                                                                       \
    S(98, getrusage) S(100, times)                                                                 \
    /* thread_calls.cpp */                                                                         \
    S(56, clone) S(435, clone3) S(274, get_robust_list) S(202, futex) S(309, getcpu)                                       \
    /* poll_calls.cpp */                                                                           \
    S(22, pipe) S(293, pipe2) S(284, eventfd) S(290, eventfd2) S(213, epoll_create)               \
    S(291, epoll_create1) S(233, epoll_ctl) S(232, epoll_wait) S(281, epoll_pwait) S(7, poll)    \
    S(271, ppoll) S(23, select) S(270, pselect6)                                                   \
    /* timer_calls.cpp, timerfd.cpp, signalfd.cpp */                                               \
    S(37, alarm) S(38, setitimer) S(36, getitimer) S(222, timer_create) S(223, timer_settime)     \
    S(224, timer_gettime) S(225, timer_getoverrun) S(226, timer_delete) S(283, timerfd_create)    \
    S(286, timerfd_settime) S(287, timerfd_gettime) S(282, signalfd) S(289, signalfd4)           \
    /* socket_calls.cpp */                                                                         \
    S(41, socket) S(42, connect) S(43, accept) S(44, sendto) S(45, recvfrom) S(46, sendmsg)       \
    S(47, recvmsg) S(48, shutdown) S(49, bind) S(50, listen) S(51, getsockname)                   \
    S(52, getpeername) S(53, socketpair) S(54, setsockopt) S(55, getsockopt) S(288, accept4)      \
    S(299, recvmmsg) S(307, sendmmsg)                                                              \
    /* signal_calls.cpp */                                                                         \
    S(34, pause) S(130, rt_sigsuspend) S(128, rt_sigtimedwait)                                                  \
    S(13, rt_sigaction) S(14, rt_sigprocmask) S(15, rt_sigreturn) S(131, sigaltstack)              \
    S(127, rt_sigpending) S(62, kill) S(200, tkill) S(234, tgkill)
