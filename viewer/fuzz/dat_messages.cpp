// Writes the messages the libtracecmd worker sends for a .dat file to
// stdout: the seeds of the message-level fuzzer.
//   ltt_view_dat_messages FILE.dat > messages
#include "readers/ftrace/dat_worker.hpp"

#include <cstdio>

#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fputs("usage: ltt_view_dat_messages FILE.dat > messages\n", stderr);
        return 2;
    }
    ltt::viewer::run_dat_worker(argv[1], STDOUT_FILENO);
}
