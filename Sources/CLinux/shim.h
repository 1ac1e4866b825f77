// Linux interfaces the Glibc module does not import: signalfd and eventfd, which the watch
// loop's poll() waits on next to inotify and the inputs.
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/eventfd.h>
