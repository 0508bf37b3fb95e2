// pin_cpu.hpp - pins the calling thread to one CPU, so a benchmark is not
// migrated (and its TSC reads and per-CPU buffers stay on one CPU).
#pragma once

namespace ltt::bench {

// Pins the calling thread to `cpu`, or, when cpu < 0, to the highest CPU the
// thread may run on (away from CPU 0, where most device interrupts land).
// Returns the CPU, or -1 (errno set) when it cannot.
int pin_to_cpu(int cpu);

} // namespace ltt::bench
