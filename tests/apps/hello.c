/* hello.c: the smallest guest program. Prints one line naming itself (argv[0]'s basename, so the
 * output does not depend on where the program sits) and exits 0. */
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    const char* name = argc > 0 ? argv[0] : "";
    const char* slash = strrchr(name, '/');
    printf("hello from %s\n", slash ? slash + 1 : name);
    return 0;
}
