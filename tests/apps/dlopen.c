// dlopen.c: loads a shared library at run time with dlopen(), looks up functions with dlsym()
// and calls them; then checks that dlopen() of a missing library fails with a dlerror() message.
// Usage: dlopen <path of the library>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "/lib/libdlopen_plugin.so";
    void* library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        printf("dlopen %s failed: %s\n", path, dlerror());
        return 1;
    }
    printf("dlopen %s: ok\n", path);
    int (*combine)(int, int) = (int (*)(int, int))dlsym(library, "plugin_combine");
    const char* (*name)(void) = (const char* (*)(void))dlsym(library, "plugin_name");
    if (!combine || !name) {
        printf("dlsym failed: %s\n", dlerror());
        return 1;
    }
    int first = combine(12, 34), second = combine(12, 34);
    printf("plugin %s: combine %d %d\n", name(), first, second);
    if (first != 12035 || second != 12036)
        return 1;
    if (dlsym(library, "no_such_symbol") != NULL) {
        printf("dlsym of a missing symbol succeeded\n");
        return 1;
    }
    printf("missing symbol: %s\n", dlerror() ? "dlerror set" : "no dlerror");
    if (dlclose(library) != 0) {
        printf("dlclose failed: %s\n", dlerror());
        return 1;
    }

    void* missing = dlopen("libdoes_not_exist.so.7", RTLD_NOW);
    const char* message = dlerror();
    printf("missing library: %s\n", missing ? "loaded?!" : message ? message : "no dlerror");
    if (missing || !message || !strstr(message, "libdoes_not_exist.so.7"))
        return 1;
    printf("dlopen: ok\n");
    return 0;
}
