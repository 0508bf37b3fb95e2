// bus_guard.hpp - surviving a buffer file that shrinks under lttd.
//
// A producer (or anyone with write access) may truncate a buffer file lttd
// has mapped; touching a page past the new end raises SIGBUS. lttd touches
// mapped buffer memory only inside bus_guard::run(), which turns a SIGBUS
// on a registered mapping into a `false` return (through siglongjmp from the
// handler), so the buffer is marked broken instead of lttd dying. Code run
// under the guard must own nothing that needs a destructor: it only loads
// and stores mapped memory and copies into preallocated buffers.
#pragma once

#include <csetjmp>
#include <cstddef>

namespace lttd {

class bus_guard {
public:
    // Installs the SIGBUS handler (once; thread-safe).
    static void install();

    // Mapped memory a guard may recover from (registered while mapped).
    static void add_range(const void* begin, std::size_t size) noexcept;
    static void remove_range(const void* begin) noexcept;

    // Runs `fn`; false when it was cut short by SIGBUS on a registered range.
    template <class F> static bool run(F&& fn) {
        sigjmp_buf env;
        if (sigsetjmp(env, 1) != 0) {
            leave();
            return false;
        }
        enter(&env);
        fn();
        leave();
        return true;
    }

private:
    static void enter(sigjmp_buf* env) noexcept;
    static void leave() noexcept;
};

} // namespace lttd
