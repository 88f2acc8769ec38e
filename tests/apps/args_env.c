/* args_env.c: argv and environment passthrough. Prints argc, then argv[0]'s basename and every
 * other argument verbatim; for each argument "env:NAME" it also prints NAME's value (or "unset").
 *   args_env one "two words" env:FOO   with FOO=bar  prints:
 *   argc=4 / argv[0]=args_env-static / argv[1]=one / argv[2]=two words / argv[3]=env:FOO /
 *   env FOO=bar */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        const char* arg = argv[i];
        if (i == 0) {
            const char* slash = strrchr(arg, '/');
            arg = slash ? slash + 1 : arg;
        }
        printf("argv[%d]=%s\n", i, arg);
    }
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "env:", 4) != 0)
            continue;
        const char* name = argv[i] + 4;
        const char* value = getenv(name);
        if (value)
            printf("env %s=%s\n", name, value);
        else
            printf("env %s unset\n", name);
    }
    return 0;
}
