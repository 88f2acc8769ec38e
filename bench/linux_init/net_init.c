/* /init for the Linux comparison guests of bench/http.sh (networking) and bench/fileio.sh (files).
 * Debian's kernel has virtio-mmio and virtio-net as modules and no IP autoconfiguration
 * (CONFIG_IP_PNP is off, so the kernel's ip= parameter does nothing), so this init:
 *   1. loads the modules the script packed as /modules/NN-name.ko, in name order, with
 *      finit_module; virtio_mmio gets the virtio_mmio.* words of /proc/cmdline (QEMU's microvm
 *      appends virtio_mmio.device=SIZE@ADDR:IRQ for each device; modprobe would pass them on);
 *   2. configures the first non-loopback interface from the environment the kernel gives /init
 *      (the -append words NET_IP=A.B.C.D NET_MASK=A.B.C.D [NET_GW=A.B.C.D]) and brings it and
 *      lo up (ioctl SIOCSIFADDR/SIOCSIFNETMASK/SIOCSIFFLAGS, SIOCADDRT for the gateway);
 *   3. with DISK_MOUNT=/dev/NAME in that environment (bench/fileio.sh), mounts devtmpfs on /dev,
 *      waits up to 5 s for the disk's node and mounts it (ext4) on /mnt, which becomes the
 *      working directory of /hello;
 *   4. runs /hello (fork + execve), waits for it, then stops QEMU through isa-debug-exit
 *      (port 0xf4), as linux_init/init.c does. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char mmio_params[1024];

static void read_mmio_params(void) {
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) < 0) { perror("init: mount /proc"); return; }
    char line[4096];
    int fd = open("/proc/cmdline", O_RDONLY);
    if (fd < 0) return;
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    if (n <= 0) return;
    line[n] = 0;
    for (char *w = strtok(line, " \n"); w; w = strtok(NULL, " \n")) {
        if (strncmp(w, "virtio_mmio.", 12) == 0 &&
            strlen(mmio_params) + strlen(w) + 2 < sizeof mmio_params) {
            if (mmio_params[0]) strcat(mmio_params, " ");
            strcat(mmio_params, w + 12);
        }
    }
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static void load_modules(void) {
    struct dirent **names;
    int n = scandir("/modules", &names, NULL, by_name);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "/modules/%s", name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) { perror(path); continue; }
        const char *params = strstr(name, "virtio_mmio") ? mmio_params : "";
        if (syscall(SYS_finit_module, fd, params, 0) < 0 && errno != EEXIST)
            fprintf(stderr, "init: finit_module %s: %s\n", name, strerror(errno));
        close(fd);
    }
}

static void set_addr(int s, const char *ifname, unsigned long req, const char *dotted) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, dotted, &sin->sin_addr);
    if (ioctl(s, req, &ifr) < 0) fprintf(stderr, "init: ioctl %lx on %s: %s\n", req, ifname, strerror(errno));
}

static void up(int s, const char *ifname) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    ioctl(s, SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) fprintf(stderr, "init: up %s: %s\n", ifname, strerror(errno));
}

static void configure_network(void) {
    const char *ip = getenv("NET_IP"), *mask = getenv("NET_MASK"), *gw = getenv("NET_GW");
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) { perror("init: socket"); return; }
    up(s, "lo");
    if (!ip) { close(s); return; }
    /* Wait up to 5 s for the NIC the modules created. */
    char ifname[IF_NAMESIZE] = "";
    for (int tries = 0; tries < 500 && !ifname[0]; tries++) {
        struct if_nameindex *list = if_nameindex();
        for (struct if_nameindex *i = list; i && i->if_index; i++)
            if (strcmp(i->if_name, "lo") != 0) { snprintf(ifname, sizeof ifname, "%s", i->if_name); break; }
        if (list) if_freenameindex(list);
        if (!ifname[0]) { struct timespec ts = {0, 10000000}; nanosleep(&ts, NULL); }
    }
    if (!ifname[0]) { fprintf(stderr, "init: no network interface appeared\n"); close(s); return; }
    set_addr(s, ifname, SIOCSIFADDR, ip);
    set_addr(s, ifname, SIOCSIFNETMASK, mask ? mask : "255.255.255.0");
    up(s, ifname);
    if (gw) {
        struct rtentry rt;
        memset(&rt, 0, sizeof rt);
        struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst, *g = (struct sockaddr_in *)&rt.rt_gateway,
                           *m = (struct sockaddr_in *)&rt.rt_genmask;
        dst->sin_family = g->sin_family = m->sin_family = AF_INET;
        inet_pton(AF_INET, gw, &g->sin_addr);
        rt.rt_flags = RTF_UP | RTF_GATEWAY;
        if (ioctl(s, SIOCADDRT, &rt) < 0) fprintf(stderr, "init: default route: %s\n", strerror(errno));
    }
    printf("init: %s is %s/%s\n", ifname, ip, mask ? mask : "255.255.255.0");
    fflush(stdout);
    close(s);
}

static void mount_disk(void) {
    const char *disk = getenv("DISK_MOUNT");
    if (!disk) return;
    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0) { perror("init: mount /dev"); return; }
    struct stat st;
    for (int tries = 0; tries < 500 && stat(disk, &st) < 0; tries++) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    mkdir("/mnt", 0755);
    if (mount(disk, "/mnt", "ext4", 0, NULL) < 0) { fprintf(stderr, "init: mount %s: %s\n", disk, strerror(errno)); return; }
    if (chdir("/mnt") < 0) perror("init: chdir /mnt");
}

int main(void) {
    read_mmio_params();
    if (getenv("NET_DEBUG")) printf("init: virtio_mmio parameters: %s\n", mmio_params);
    load_modules();
    configure_network();
    mount_disk();
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"/hello", 0};
        execve("/hello", argv, environ);
        _exit(127);
    }
    if (pid > 0) {
        int st;
        waitpid(pid, &st, 0);
    }
    if (ioperm(0xf4, 4, 1) == 0)
        outb(0, 0xf4);
    reboot(RB_POWER_OFF); /* fallback: halts; QEMU keeps running */
    for (;;) pause();
}
