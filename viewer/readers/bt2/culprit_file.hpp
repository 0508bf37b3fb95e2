// readers/bt2/culprit_file.hpp - which stream file src.ctf.fs cannot open.
//
// When src.ctf.fs fails to open a trace, its causes do not always name the
// stream file it failed on (decoding a stream's last packet to work around
// old LTTng bugs, for one). Then each stream file is tried alone, beside
// the trace's metadata in a scratch directory of symbolic links (and in a
// child process: init_probe.hpp), until one fails. Only on the failure path.
#pragma once

#include <babeltrace2/babeltrace.h>

#include <filesystem>
#include <optional>

namespace ltt::viewer::bt2 {

// The first stream file of `trace_dir` (in name order) that src.ctf.fs
// (class `fs`) cannot open with only the metadata beside it (the only one,
// without trying, when there is one); nullopt when each opens alone (or no
// scratch directory can be made).
std::optional<std::filesystem::path> culprit_file(const bt_component_class_source* fs,
                                                  const std::filesystem::path& trace_dir);

} // namespace ltt::viewer::bt2
