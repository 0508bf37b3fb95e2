// readers/bt2/metadata_check.hpp - the framing of a packetized CTF metadata
// file, checked before libbabeltrace2 sees it.
//
// babeltrace2 2.0.4 (and its master branch as of this writing) loops
// forever on a packetized metadata file whose last packet claims more
// content than the file holds - a truncated copy of any LTTng trace's
// metadata - and silently ignores a packet header cut short at the end of
// the file. ltt-view must neither hang nor truncate silently, so the
// packets are walked here first (CTF 1.8 spec, section 7.1: a 37-byte
// header with magic 0x75d11d57 in the trace's byte order, then content_size
// and packet_size in bits): a hand-written check of a few header fields,
// which no library offers apart from the decoder that has the bug.
// A plain-text metadata file needs nothing: babeltrace2's parser reports
// its errors with a line number.
#pragma once

#include <filesystem>

namespace ltt::viewer::bt2 {

// ltt::format_error naming `trace_dir`/metadata, the packet's offset and
// what is wrong with it; nothing when the file is text or well framed, or
// cannot be opened (babeltrace2 says why).
void check_metadata_framing(const std::filesystem::path& trace_dir);

} // namespace ltt::viewer::bt2
