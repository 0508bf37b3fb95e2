// readers/bt2/bt2_error.hpp - babeltrace2's errors as one line of text.
//
// libbabeltrace2 reports a failure as a chain of causes in a thread-local
// error object, from the root (src.ctf.fs saying what it could not decode)
// to the outermost (the graph saying a component failed). The reader turns
// that chain into the message of one exception, naming the trace and the
// stream itself (babeltrace2's causes often name neither).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ltt::viewer::bt2 {

// libbabeltrace2 failed: the message names the trace (and the stream when
// one was being read) and gives babeltrace2's causes.
class bt2_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The causes of the current thread's libbabeltrace2 error, root cause
// first, joined by ": "; libbabeltrace2's generic wrappers
// ("Component's consume method failed: ...") and object addresses are left
// out. Releases the error. `fallback` when there is none.
std::string take_error_causes(std::string_view fallback);

// One cause message made readable: object addresses (`msg-it-addr=0x...`)
// removed, newlines joined. Exposed for the unit test.
std::string without_addresses(std::string_view message);

} // namespace ltt::viewer::bt2
