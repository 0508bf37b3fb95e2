// readers/bt2/init_log.hpp - what src.ctf.fs logs when it cannot open a
// trace.
//
// Some of src.ctf.fs's reasons exist only in its log, not in the error
// causes the library returns: the line of a metadata syntax error ("At
// line 3638 in metadata stream: Invalid character"), the offset of a
// packet that runs past the end of its file ("Invalid packet size reported
// in file: stream=..., packet-offset=..."). The reader runs src.ctf.fs
// silent; when it fails, init_log() creates it again with logging on and
// its log (written by libbabeltrace2 straight to file descriptor 2)
// redirected to a temporary file for the duration of that one call, and
// returns the messages of its warnings and errors. Only on that failure
// path, when nothing else of ltt-view is running (opening is single
// threaded).
#pragma once

#include <babeltrace2/babeltrace.h>

#include <cstdio>
#include <string>
#include <vector>

namespace ltt::viewer::bt2 {

// File descriptor 2 goes to a temporary file until finish() returns what
// was written (or the destructor runs). Does nothing when it cannot.
class stderr_capture {
public:
    stderr_capture();
    ~stderr_capture();
    stderr_capture(const stderr_capture&) = delete;
    stderr_capture& operator=(const stderr_capture&) = delete;
    std::string finish();

private:
    void restore();

    std::FILE* file_ = nullptr;
    int saved_ = -1;
    bool active_ = false;
};

// The warning and error messages of babeltrace2 log text.
std::vector<std::string> log_messages(const std::string& text);

// The warning and error messages src.ctf.fs (class `fs`) logs while failing
// to open a trace with `params` (prefixes - time, thread, source location -
// removed). Empty when it opens after all, or the log cannot be captured.
std::vector<std::string> init_log(const bt_component_class_source* fs, const bt_value* params);

// The message of one babeltrace2 log line, or "" for a line below warning
// level. Exposed for the unit test.
std::string log_message(const std::string& line);

} // namespace ltt::viewer::bt2
